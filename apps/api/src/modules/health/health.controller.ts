import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../../auth/public.decorator.js';
import { Db } from '../../database/db.js';

@Controller('health')
export class HealthController {
  constructor(private readonly db: Db) {}

  /** The process is up. */
  @Get('live')
  @Public()
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The process can serve: the database answers. */
  @Get('ready')
  @Public()
  async ready(@Res({ passthrough: true }) res: Response): Promise<{ status: 'ok' | 'unavailable'; checks: { database: 'ok' | 'down' } }> {
    try {
      await this.db.ping();
      return { status: 'ok', checks: { database: 'ok' } };
    } catch {
      res.status(503);
      return { status: 'unavailable', checks: { database: 'down' } };
    }
  }
}
