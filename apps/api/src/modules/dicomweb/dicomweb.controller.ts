import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { Role } from '@cruciate/contracts';
import type { Request, Response } from 'express';
import { CurrentPrincipal } from '../../auth/current-principal.decorator.js';
import type { TenantPrincipal } from '../../auth/principal.js';
import { Roles } from '../../auth/roles.decorator.js';
import { DicomwebError } from './dicomweb.errors.js';
import type { InstanceRow } from './dicomweb.repository.js';
import { DicomwebService } from './dicomweb.service.js';

type Q = Record<string, string | undefined>;
const DICOM_JSON = 'application/dicom+json';
const UID = /^[0-9]+(\.[0-9]+)*$/;

function uid(value: string, name: string): string {
  if (!UID.test(value) || value.length > 64) throw new DicomwebError('BAD_REQUEST', `${name} is not a valid UID`);
  return value;
}

/**
 * DICOMweb (PS3.18) under /dicomweb: STOW-RS, QIDO-RS and WADO-RS, tenant-scoped by the bearer token.
 * Another hospital's UIDs answer 404 exactly like UIDs that do not exist.
 */
@Controller('dicomweb')
export class DicomwebController {
  constructor(private readonly dicomweb: DicomwebService) {}

  @Post('studies')
  @Roles(Role.INTEGRATOR, Role.CLINICIAN, Role.HOSPITAL_ADMIN)
  stow(@CurrentPrincipal() p: TenantPrincipal, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.store(p, req, res, undefined);
  }

  @Post('studies/:study')
  @Roles(Role.INTEGRATOR, Role.CLINICIAN, Role.HOSPITAL_ADMIN)
  stowToStudy(@CurrentPrincipal() p: TenantPrincipal, @Req() req: Request, @Res() res: Response, @Param('study') study: string): Promise<void> {
    return this.store(p, req, res, uid(study, 'StudyInstanceUID'));
  }

  @Get('studies')
  @Roles(Role.INTEGRATOR, Role.CLINICIAN)
  async searchStudies(@CurrentPrincipal() p: TenantPrincipal, @Query() q: Q, @Res() res: Response): Promise<void> {
    res.type(DICOM_JSON).send(JSON.stringify(await this.dicomweb.searchStudies(p, q)));
  }

  @Get('series')
  @Roles(Role.INTEGRATOR, Role.CLINICIAN)
  async searchAllSeries(@CurrentPrincipal() p: TenantPrincipal, @Query() q: Q, @Res() res: Response): Promise<void> {
    res.type(DICOM_JSON).send(JSON.stringify(await this.dicomweb.searchSeries(p, undefined, q)));
  }

  @Get('studies/:study/series')
  @Roles(Role.INTEGRATOR, Role.CLINICIAN)
  async searchSeries(@CurrentPrincipal() p: TenantPrincipal, @Param('study') study: string, @Query() q: Q, @Res() res: Response): Promise<void> {
    res.type(DICOM_JSON).send(JSON.stringify(await this.dicomweb.searchSeries(p, uid(study, 'StudyInstanceUID'), q)));
  }

  @Get('studies/:study/instances')
  @Roles(Role.INTEGRATOR, Role.CLINICIAN)
  async searchStudyInstances(@CurrentPrincipal() p: TenantPrincipal, @Param('study') study: string, @Query() q: Q, @Res() res: Response): Promise<void> {
    res.type(DICOM_JSON).send(JSON.stringify(await this.dicomweb.searchInstances(p, uid(study, 'StudyInstanceUID'), undefined, q)));
  }

  @Get('studies/:study/series/:series/instances')
  @Roles(Role.INTEGRATOR, Role.CLINICIAN)
  async searchInstances(
    @CurrentPrincipal() p: TenantPrincipal,
    @Param('study') study: string,
    @Param('series') series: string,
    @Query() q: Q,
    @Res() res: Response,
  ): Promise<void> {
    res.type(DICOM_JSON).send(JSON.stringify(await this.dicomweb.searchInstances(p, uid(study, 'StudyInstanceUID'), uid(series, 'SeriesInstanceUID'), q)));
  }

  @Get('studies/:study')
  @Roles(Role.INTEGRATOR, Role.CLINICIAN)
  async retrieveStudy(@CurrentPrincipal() p: TenantPrincipal, @Param('study') study: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.sendInstances(req, res, await this.dicomweb.instances(p, { studyUid: uid(study, 'StudyInstanceUID') }));
  }

  @Get('studies/:study/metadata')
  @Roles(Role.INTEGRATOR, Role.CLINICIAN)
  async studyMetadata(@CurrentPrincipal() p: TenantPrincipal, @Param('study') study: string, @Res() res: Response): Promise<void> {
    const rows = await this.dicomweb.instances(p, { studyUid: uid(study, 'StudyInstanceUID') });
    res.type(DICOM_JSON).send(JSON.stringify(await this.dicomweb.metadata(rows)));
  }

  @Get('studies/:study/series/:series')
  @Roles(Role.INTEGRATOR, Role.CLINICIAN)
  async retrieveSeries(
    @CurrentPrincipal() p: TenantPrincipal,
    @Param('study') study: string,
    @Param('series') series: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.sendInstances(
      req,
      res,
      await this.dicomweb.instances(p, { studyUid: uid(study, 'StudyInstanceUID'), seriesUid: uid(series, 'SeriesInstanceUID') }),
    );
  }

  @Get('studies/:study/series/:series/metadata')
  @Roles(Role.INTEGRATOR, Role.CLINICIAN)
  async seriesMetadata(
    @CurrentPrincipal() p: TenantPrincipal,
    @Param('study') study: string,
    @Param('series') series: string,
    @Res() res: Response,
  ): Promise<void> {
    const rows = await this.dicomweb.instances(p, { studyUid: uid(study, 'StudyInstanceUID'), seriesUid: uid(series, 'SeriesInstanceUID') });
    res.type(DICOM_JSON).send(JSON.stringify(await this.dicomweb.metadata(rows)));
  }

  @Get('studies/:study/series/:series/instances/:instance')
  @Roles(Role.INTEGRATOR, Role.CLINICIAN)
  async retrieveInstance(
    @CurrentPrincipal() p: TenantPrincipal,
    @Param() params: Record<string, string>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.sendInstances(req, res, await this.one(p, params));
  }

  @Get('studies/:study/series/:series/instances/:instance/metadata')
  @Roles(Role.INTEGRATOR, Role.CLINICIAN)
  async instanceMetadata(@CurrentPrincipal() p: TenantPrincipal, @Param() params: Record<string, string>, @Res() res: Response): Promise<void> {
    res.type(DICOM_JSON).send(JSON.stringify(await this.dicomweb.metadata(await this.one(p, params))));
  }

  @Get('studies/:study/series/:series/instances/:instance/frames/:frames')
  @Roles(Role.INTEGRATOR, Role.CLINICIAN)
  async frames(@CurrentPrincipal() p: TenantPrincipal, @Param() params: Record<string, string>, @Res() res: Response): Promise<void> {
    const [row] = await this.one(p, params);
    const numbers = (params['frames'] ?? '').split(',').map((n) => Number(n));
    if (numbers.some((n) => !Number.isInteger(n))) throw new DicomwebError('BAD_REQUEST', 'frames must be a comma-separated list of frame numbers');
    const boundary = newBoundary();
    res.status(200).type(`multipart/related; type="application/octet-stream"; boundary=${boundary}`);
    const parts: Buffer[] = [];
    for (const n of numbers) {
      const bytes = await this.dicomweb.frame(row!, n);
      parts.push(Buffer.from(`--${boundary}\r\nContent-Type: application/octet-stream\r\n\r\n`), bytes, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    res.end(Buffer.concat(parts));
  }

  @Get('studies/:study/series/:series/instances/:instance/rendered')
  @Roles(Role.INTEGRATOR, Role.CLINICIAN)
  async rendered(@CurrentPrincipal() p: TenantPrincipal, @Param() params: Record<string, string>, @Query() q: Q, @Res() res: Response): Promise<void> {
    const [row] = await this.one(p, params);
    res.type('image/png').send(await this.dicomweb.rendered(row!, 1, windowParam(q['window'])));
  }

  @Get('studies/:study/series/:series/instances/:instance/frames/:frame/rendered')
  @Roles(Role.INTEGRATOR, Role.CLINICIAN)
  async renderedFrame(@CurrentPrincipal() p: TenantPrincipal, @Param() params: Record<string, string>, @Query() q: Q, @Res() res: Response): Promise<void> {
    const [row] = await this.one(p, params);
    res.type('image/png').send(await this.dicomweb.rendered(row!, Number(params['frame']), windowParam(q['window'])));
  }

  private one(p: TenantPrincipal, params: Record<string, string>): Promise<InstanceRow[]> {
    return this.dicomweb.instances(p, {
      studyUid: uid(params['study'] ?? '', 'StudyInstanceUID'),
      seriesUid: uid(params['series'] ?? '', 'SeriesInstanceUID'),
      sopInstanceUid: uid(params['instance'] ?? '', 'SOPInstanceUID'),
    });
  }

  private async store(p: TenantPrincipal, req: Request, res: Response, study: string | undefined): Promise<void> {
    const result = await this.dicomweb.stow(p, req, study);
    res.status(result.httpStatus).type(DICOM_JSON).send(JSON.stringify(result.body));
  }

  /** multipart/related; type="application/dicom", streamed from the blob store one instance at a time. */
  private async sendInstances(req: Request, res: Response, rows: InstanceRow[]): Promise<void> {
    const accept = req.headers.accept ?? '*/*';
    if (!/multipart\/related|\*\/\*|application\/dicom/i.test(accept))
      throw new DicomwebError('NOT_ACCEPTABLE', 'retrieve answers multipart/related; type="application/dicom"');
    const boundary = newBoundary();
    res.status(200).type(`multipart/related; type="application/dicom"; boundary=${boundary}`);
    for (const r of rows) {
      res.write(`--${boundary}\r\nContent-Type: application/dicom\r\nContent-Length: ${r.size_bytes}\r\n\r\n`);
      await copyInto(this.dicomweb.blobStream(r), res);
      res.write('\r\n');
    }
    res.end(`--${boundary}--\r\n`);
  }
}

/**
 * Writes a stream into the response without ending it, waiting for 'drain' when the client reads slowly. (pipeline()
 * with `end: false` leaves its listeners on the response until the response ends: one set per part of a long series.)
 * Rejects, and destroys the source, when the client goes away.
 */
async function copyInto(source: Readable, res: Response): Promise<void> {
  for await (const chunk of source) {
    if (res.destroyed) throw new Error('the client closed the connection');
    if (res.write(chunk as Buffer)) continue;
    await new Promise<void>((resolve, reject) => {
      const settle = (err?: Error): void => {
        res.off('drain', onDrain);
        res.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = (): void => settle();
      const onClose = (): void => settle(new Error('the client closed the connection'));
      res.on('drain', onDrain);
      res.on('close', onClose);
    });
  }
}

function newBoundary(): string {
  return `cruciate-${randomBytes(12).toString('hex')}`;
}

/** PS3.18 `window=center,width[,function]`. */
function windowParam(value: string | undefined): { center: number; width: number } | null {
  if (value === undefined) return null;
  const [c, w] = value.split(',').map(Number);
  if (c === undefined || w === undefined || !Number.isFinite(c) || !Number.isFinite(w) || w <= 0)
    throw new DicomwebError('BAD_REQUEST', 'window must be center,width with width > 0');
  return { center: c, width: w };
}
