import { Controller, Get, Header, Param, Query, Res } from '@nestjs/common';
import { Role } from '@cruciate/contracts';
import type { Response } from 'express';
import { CurrentPrincipal } from '../../auth/current-principal.decorator.js';
import type { TenantPrincipal } from '../../auth/principal.js';
import { Roles } from '../../auth/roles.decorator.js';
import { FindingError } from './finding.errors.js';
import { type CamArray, FindingService } from './finding.service.js';

function size(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 2048) throw new FindingError('CAM_SLICE_OUT_OF_RANGE', `${name} must be an integer 1..2048`, name);
  return n;
}

/** Class activation maps of a finding: the array form for the viewer, or a PNG overlay per slice. */
@Controller('api/findings')
export class FindingController {
  constructor(private readonly findings: FindingService) {}

  @Get(':id/cam')
  @Roles(Role.CLINICIAN, Role.INTEGRATOR)
  @Header('cache-control', 'private, max-age=3600')
  cam(@CurrentPrincipal() p: TenantPrincipal, @Param('id') id: string): Promise<CamArray> {
    return this.findings.camArray(p, id);
  }

  @Get(':id/cam/:slice/overlay.png')
  @Roles(Role.CLINICIAN, Role.INTEGRATOR)
  async overlay(
    @CurrentPrincipal() p: TenantPrincipal,
    @Param('id') id: string,
    @Param('slice') slice: string,
    @Query('label') label: string | undefined,
    @Query('width') width: string | undefined,
    @Query('height') height: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    if (!/^\d+$/.test(slice)) throw new FindingError('CAM_SLICE_OUT_OF_RANGE', 'slice must be a non-negative integer', 'slice');
    const png = await this.findings.camOverlayPng(p, id, Number(slice), label, size(width, 'width'), size(height, 'height'));
    res.status(200).type('image/png').setHeader('cache-control', 'private, max-age=3600');
    res.end(png);
  }
}
