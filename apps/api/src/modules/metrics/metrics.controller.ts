import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../../auth/public.decorator.js';
import { ApiMetrics } from './api-metrics.js';

/** Prometheus scrape endpoint; registered only when METRICS_ENABLED. Public: keep it off the public network. */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: ApiMetrics) {}

  @Get()
  @Public()
  async scrape(@Res() res: Response): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    res.status(200).type(contentType).send(body);
  }
}
