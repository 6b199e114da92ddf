import { Inject, Injectable } from '@nestjs/common';
import type { ApiConfig } from '@cruciate/config';
import {
  applyRescale,
  decodeFrame,
  DECODABLE_TRANSFER_SYNTAXES,
  defaultWindow,
  describeTransferSyntax,
  encodePngGray8,
  parseInstance,
  PixelDecodeError,
  toDicomJson,
  TRANSFER_SYNTAX,
  UNCOMPRESSED_TRANSFER_SYNTAXES,
  windowToGray8,
  type DicomRejectCode,
  type ParsedInstance,
} from '@cruciate/dicom';
import type { Request } from 'express';
import type { TenantPrincipal } from '../../auth/principal.js';
import { API_CONFIG } from '../../config.token.js';
import { Db } from '../../database/db.js';
import { AuditService } from '../audit/audit.service.js';
import type { BlobStore } from '@cruciate/blob';
import { IngestError } from '../ingest/ingest.errors.js';
import { BLOB_STORE, IngestService, type PreparedInstance } from '../ingest/ingest.service.js';
import { attr, FAILURE, type DicomJsonObject } from './dicom-json.js';
import { DicomwebError } from './dicomweb.errors.js';
import { DicomwebRepository, type InstanceRow } from './dicomweb.repository.js';
import { MultipartError, parseMultipartRelated, readMultipart } from './multipart.js';

export interface StowResult {
  /** 200 all stored, 202 some failed, 409 none stored (PS3.18 10.5.3). */
  readonly httpStatus: 200 | 202 | 409;
  readonly body: DicomJsonObject;
  readonly stored: number;
  readonly failed: number;
}

/** Parts stored at once per STOW request (parse, hash, fsync and index overlap). */
const STOW_CONCURRENCY = 8;
/**
 * Most parts indexed per statement (one commit). Parts are indexed while the ones after them are still read: each
 * batch takes what is ready when the one before has committed (group commit), so what is left when the body ends is
 * what arrived during the last commit.
 */
const STOW_BATCH = 64;
/** Parts ready and not yet indexed before reading the body pauses. */
const STOW_MAX_UNINDEXED = 2 * STOW_BATCH;

type PartResult = { kind: 'stored'; item: DicomJsonObject; seriesId: string } | { kind: 'failed'; item: DicomJsonObject } | { kind: 'error'; error: unknown };

@Injectable()
export class DicomwebService {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly db: Db,
    private readonly repo: DicomwebRepository,
    private readonly ingest: IngestService,
    private readonly audit: AuditService,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  /** STOW-RS: stores each part, answers per instance, completes the series touched when the request ends. */
  async stow(p: TenantPrincipal, req: Request, studyUidFromPath: string | undefined): Promise<StowResult> {
    let boundary: string;
    try {
      const ct = parseMultipartRelated(req.headers['content-type']);
      if (ct.type && ct.type.toLowerCase() !== 'application/dicom')
        throw new MultipartError(`only type="application/dicom" parts are accepted, not ${ct.type}`, 415);
      boundary = ct.boundary;
    } catch (err) {
      if (err instanceof MultipartError) throw new DicomwebError(err.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST', err.message);
      throw err;
    }
    const referenced: DicomJsonObject[] = [];
    const failed: DicomJsonObject[] = [];
    const seriesIds = new Set<string>();
    const failure = (sopClass: string | null, sopInstance: string | null, reason: number, comment: string): PartResult => ({
      kind: 'failed',
      item: {
        '00081150': attr('UI', sopClass),
        '00081155': attr('UI', sopInstance),
        '00081197': attr('US', reason),
        '00000902': attr('LO', comment.slice(0, 64)),
      },
    });
    // Parts are read one at a time, parsed and stored STOW_CONCURRENCY at a time, and indexed in batches (one
    // statement and one commit each, one batch after the other) while reading goes on; answers keep the request's
    // order.
    type Slot = { kind: 'prepared'; prepared: PreparedInstance } | PartResult;
    const inFlight: Promise<Slot>[] = [];
    const ready: Slot[] = [];
    const record = (r: PartResult): void => {
      if (r.kind === 'error') throw r.error;
      if (r.kind === 'failed') failed.push(r.item);
      else {
        referenced.push(r.item);
        seriesIds.add(r.seriesId);
      }
    };
    const prepare = async (body: Buffer): Promise<Slot> => {
      let uids: { sopClass: string | null; sopInstance: string | null } = { sopClass: null, sopInstance: null };
      try {
        const parsed = this.ingest.parse(body);
        uids = { sopClass: parsed.sopClassUid, sopInstance: parsed.sopInstanceUid };
        if (studyUidFromPath && parsed.studyInstanceUid !== studyUidFromPath) {
          return failure(uids.sopClass, uids.sopInstance, FAILURE.DATASET_DOES_NOT_MATCH_SOP_CLASS, 'StudyInstanceUID differs from the study in the URL');
        }
        return { kind: 'prepared', prepared: await this.ingest.prepare(p.tenantId, body, parsed) };
      } catch (err) {
        if (!(err instanceof IngestError)) return { kind: 'error', error: err };
        return failure(uids.sopClass, uids.sopInstance, failureFor(err.dicomCode), err.message);
      }
    };
    const index = async (batch: Slot[]): Promise<void> => {
      const prepared = batch.flatMap((s) => (s.kind === 'prepared' ? [s.prepared] : []));
      const indexed = await this.ingest.indexBatch(p.tenantId, prepared);
      let next = 0;
      for (const slot of batch) {
        if (slot.kind !== 'prepared') {
          record(slot);
          continue;
        }
        const result = indexed[next++]!;
        if (result instanceof IngestError) {
          record(
            failure(
              slot.prepared.parsed.sopClassUid,
              slot.prepared.parsed.sopInstanceUid,
              result.code === 'INSTANCE_CONFLICT' ? FAILURE.DUPLICATE_SOP_INSTANCE : failureFor(result.dicomCode),
              result.message,
            ),
          );
        } else {
          record({
            kind: 'stored',
            seriesId: result.seriesId,
            item: {
              '00081150': attr('UI', result.sopClassUid),
              '00081155': attr('UI', result.sopInstanceUid),
              '00081190': attr('UR', this.url(`/studies/${result.studyInstanceUid}/series/${result.seriesInstanceUid}/instances/${result.sopInstanceUid}`)),
            },
          });
        }
      }
    };
    // One indexing loop per request: while parts are ready, index up to STOW_BATCH of them, in order. `indexing`
    // settles when the loop has nothing left (it rejects if a batch failed; later parts are then left unindexed).
    let indexing: Promise<void> | null = null;
    const indexReady = async (): Promise<void> => {
      while (ready.length > 0) await index(ready.splice(0, STOW_BATCH));
    };
    const kick = (): Promise<void> => {
      indexing ??= indexReady().finally(() => {
        indexing = null;
      });
      // Awaited where it matters; observed here so that a failure while reading goes on is not an unhandled rejection.
      indexing.catch(() => undefined);
      return indexing;
    };
    const indexFailure: { error: Error | null } = { error: null };
    const settleOne = async (): Promise<void> => {
      ready.push(await inFlight.shift()!);
      kick().catch((err: unknown) => (indexFailure.error ??= err instanceof Error ? err : new Error(String(err))));
      if (ready.length >= STOW_MAX_UNINDEXED) await kick();
    };
    try {
      for await (const part of readMultipart(req, boundary, {
        maxPartBytes: this.config.MAX_INSTANCE_BYTES,
        maxTotalBytes: this.config.STOW_MAX_REQUEST_BYTES,
      })) {
        if ('tooLarge' in part) {
          inFlight.push(Promise.resolve(failure(null, null, FAILURE.OUT_OF_RESOURCES, `instance exceeds ${this.config.MAX_INSTANCE_BYTES} bytes`)));
        } else {
          const partType = (part.headers['content-type'] ?? 'application/dicom').split(';')[0]?.trim().toLowerCase();
          inFlight.push(
            partType === 'application/dicom'
              ? prepare(part.body)
              : Promise.resolve(failure(null, null, FAILURE.CANNOT_UNDERSTAND, `part type ${partType ?? ''} is not application/dicom`)),
          );
        }
        if (inFlight.length >= STOW_CONCURRENCY) await settleOne();
      }
    } catch (err) {
      if (!(err instanceof MultipartError)) throw err;
      // What was stored before the body broke stays stored and is reported; the rest is a failure.
      inFlight.push(Promise.resolve(failure(null, null, FAILURE.CANNOT_UNDERSTAND, err.message)));
    } finally {
      try {
        ready.push(...(await Promise.all(inFlight.splice(0))));
        while (ready.length > 0 || indexing) await kick();
      } finally {
        await this.ingest.completeSeries(p.tenantId, [...seriesIds], p, { via: 'STOW-RS' });
      }
    }
    // A batch that failed while the body was still read (the request fails, as it would have at the end).
    if (indexFailure.error) throw indexFailure.error;
    const body: DicomJsonObject = {};
    if (studyUidFromPath) body['00081190'] = attr('UR', this.url(`/studies/${studyUidFromPath}`));
    if (referenced.length > 0) body['00081199'] = { vr: 'SQ', Value: referenced };
    if (failed.length > 0) body['00081198'] = { vr: 'SQ', Value: failed };
    const httpStatus = failed.length === 0 ? 200 : referenced.length === 0 ? 409 : 202;
    return { httpStatus, body, stored: referenced.length, failed: failed.length };
  }

  /** QIDO-RS studies. */
  async searchStudies(p: TenantPrincipal, query: Record<string, string | undefined>): Promise<DicomJsonObject[]> {
    const { limit, offset } = paging(query);
    const date = dateRange(query['StudyDate'] ?? query['00080020']);
    const patientId = query['PatientID'] ?? query['00100020'];
    const rows = await this.db.withTenant(p.tenantId, async () => {
      const found = await this.repo.studies(p.tenantId, {
        studyUids: listOf(query['StudyInstanceUID'] ?? query['0020000D']),
        patientKey: patientId ? this.ingest.patientKeyOf(p.tenantId, patientId) : undefined,
        dateFrom: date.from,
        dateTo: date.to,
        modality: query['ModalitiesInStudy'] ?? query['00080061'],
        accession: query['AccessionNumber'] ?? query['00080050'],
        limit,
        offset,
      });
      await this.audit.record(p, {
        tenantId: p.tenantId,
        action: 'dicomweb.search',
        targetType: 'study',
        targetId: '*',
        detail: { level: 'study', results: found.length },
      });
      return found;
    });
    return rows.map((r) => ({
      '00080020': attr('DA', r.study_date),
      '00080030': attr('TM', r.study_time),
      '00080050': attr('SH', r.accession),
      '00080061': attr('CS', ...r.modalities),
      '00081030': attr('LO', r.description),
      '00081190': attr('UR', this.url(`/studies/${r.study_instance_uid}`)),
      // The index keeps a keyed pseudonym, never the PatientID itself.
      '00100020': attr('LO', r.patient_key.slice(0, 16)),
      '00100040': attr('CS', r.sex),
      '0020000D': attr('UI', r.study_instance_uid),
      '00201206': attr('IS', r.series_count),
      '00201208': attr('IS', r.instance_count),
    }));
  }

  /** QIDO-RS series (all, or of one study). */
  async searchSeries(p: TenantPrincipal, studyUid: string | undefined, query: Record<string, string | undefined>): Promise<DicomJsonObject[]> {
    const { limit, offset } = paging(query);
    const description = query['SeriesDescription'] ?? query['0008103E'];
    const rows = await this.db.withTenant(p.tenantId, async () => {
      if (studyUid && !(await this.repo.studyIdByUid(p.tenantId, studyUid))) throw new DicomwebError('DICOM_NOT_FOUND', 'study not found');
      const found = await this.repo.series(p.tenantId, {
        studyUid,
        seriesUid: query['SeriesInstanceUID'] ?? query['0020000E'],
        modality: query['Modality'] ?? query['00080060'],
        descriptionLike: description ? wildcardToLike(description) : undefined,
        limit,
        offset,
      });
      await this.audit.record(p, {
        tenantId: p.tenantId,
        action: 'dicomweb.search',
        targetType: 'study',
        targetId: studyUid ?? '*',
        detail: { level: 'series', results: found.length },
      });
      return found;
    });
    return rows.map((r) => ({
      '00080060': attr('CS', r.modality),
      '0008103E': attr('LO', r.description),
      '00081190': attr('UR', this.url(`/studies/${r.study_instance_uid}/series/${r.series_instance_uid}`)),
      '00180015': attr('CS', r.body_part),
      '0020000D': attr('UI', r.study_instance_uid),
      '0020000E': attr('UI', r.series_instance_uid),
      '00200011': attr('IS', r.series_number),
      '00201209': attr('IS', r.instance_count),
    }));
  }

  /** QIDO-RS instances of a study or of one of its series. */
  async searchInstances(
    p: TenantPrincipal,
    studyUid: string,
    seriesUid: string | undefined,
    query: Record<string, string | undefined>,
  ): Promise<DicomJsonObject[]> {
    const { limit, offset } = paging(query);
    const rows = await this.instances(p, { studyUid, seriesUid }, { limit, offset }, 'dicomweb.search');
    return rows.map((r) => ({
      '00080016': attr('UI', r.sop_class_uid),
      '00080018': attr('UI', r.sop_instance_uid),
      '00081190': attr('UR', this.url(`/studies/${r.study_instance_uid}/series/${r.series_instance_uid}/instances/${r.sop_instance_uid}`)),
      '00083002': attr('UI', r.transfer_syntax),
      '0020000D': attr('UI', r.study_instance_uid),
      '0020000E': attr('UI', r.series_instance_uid),
      '00200013': attr('IS', r.instance_number),
      '00280008': attr('IS', r.number_of_frames),
      '00280010': attr('US', r.rows),
      '00280011': attr('US', r.columns),
    }));
  }

  /** Instances at a study, series or instance level (404 when none: unknown, or another hospital's). */
  async instances(
    p: TenantPrincipal,
    at: { studyUid: string; seriesUid?: string; sopInstanceUid?: string },
    page: { limit: number; offset: number } = { limit: 100_000, offset: 0 },
    action = 'study.read',
  ): Promise<InstanceRow[]> {
    return this.db.withTenant(p.tenantId, async () => {
      const rows = await this.repo.instances(p.tenantId, { ...at, ...page });
      if (rows.length === 0) {
        if (
          action === 'dicomweb.search' &&
          (await this.repo.series(p.tenantId, { studyUid: at.studyUid, seriesUid: at.seriesUid, limit: 1, offset: 0 })).length > 0
        )
          return rows;
        throw new DicomwebError('DICOM_NOT_FOUND', 'no such study, series or instance');
      }
      const studyId = await this.repo.studyIdByUid(p.tenantId, at.studyUid);
      await this.audit.record(p, {
        tenantId: p.tenantId,
        action,
        targetType: 'study',
        targetId: studyId ?? at.studyUid,
        detail: { ...at, instances: rows.length },
      });
      return rows;
    });
  }

  blobStream(row: InstanceRow) {
    return this.blobs.stream(row.blob_key);
  }

  /** WADO-RS metadata: the DICOM JSON of each instance, bulk data by reference. */
  async metadata(rows: InstanceRow[]): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (const r of rows) {
      const base = this.url(`/studies/${r.study_instance_uid}/series/${r.series_instance_uid}/instances/${r.sop_instance_uid}`);
      out.push(toDicomJson(await this.blobs.get(r.blob_key), (tag) => (tag === '7FE00010' ? `${base}/frames/1` : `${base}/bulk/${tag}`)));
    }
    return out;
  }

  /**
   * One frame as uncompressed little-endian bytes (1-based frame number): the stored bytes of native instances, the
   * decoded stored values (BitsAllocated wide) of compressed ones.
   */
  async frame(row: InstanceRow, frameNumber: number): Promise<Buffer> {
    const { bytes, parsed } = await this.decodable(row, frameNumber);
    const px = parsed.pixelData!;
    if (!px.encapsulated && UNCOMPRESSED_TRANSFER_SYNTAXES.has(row.transfer_syntax) && row.transfer_syntax !== TRANSFER_SYNTAX.EXPLICIT_VR_BIG_ENDIAN) {
      const frameBytes = px.length / parsed.numberOfFrames;
      const start = px.offset + (frameNumber - 1) * frameBytes;
      return Buffer.from(bytes.subarray(start, start + frameBytes));
    }
    const stored = await this.decode(bytes, parsed, frameNumber);
    if (parsed.bitsAllocated === 8) return Buffer.from(Uint8Array.from(stored, (v) => v & 0xff));
    const out = Buffer.alloc(stored.length * 2);
    for (let i = 0; i < stored.length; i++) out.writeUInt16LE((stored[i] ?? 0) & 0xffff, i * 2);
    return out;
  }

  /** A frame rendered to an 8-bit PNG with the given (or the stored, or a computed) window. */
  async rendered(row: InstanceRow, frameNumber: number, window: { center: number; width: number } | null): Promise<Buffer> {
    const { bytes, parsed } = await this.decodable(row, frameNumber);
    const values = applyRescale(await this.decode(bytes, parsed, frameNumber), parsed);
    const w =
      window ??
      (parsed.windowCenter !== null && parsed.windowWidth !== null ? { center: parsed.windowCenter, width: parsed.windowWidth } : defaultWindow(values));
    return encodePngGray8(parsed.columns ?? 0, parsed.rows ?? 0, windowToGray8(values, w.center, w.width));
  }

  private async decode(bytes: Uint8Array, parsed: ParsedInstance, frameNumber: number): Promise<Int32Array> {
    try {
      return await decodeFrame(bytes, parsed, frameNumber - 1);
    } catch (err) {
      if (err instanceof PixelDecodeError) throw new DicomwebError('NOT_ACCEPTABLE', `the frame cannot be decoded: ${err.message}`);
      throw err;
    }
  }

  private async decodable(row: InstanceRow, frameNumber: number) {
    if (!Number.isInteger(frameNumber) || frameNumber < 1 || frameNumber > row.number_of_frames) {
      throw new DicomwebError('DICOM_NOT_FOUND', `frame ${frameNumber} does not exist (1..${row.number_of_frames})`);
    }
    if (!DECODABLE_TRANSFER_SYNTAXES.has(row.transfer_syntax)) {
      throw new DicomwebError(
        'NOT_ACCEPTABLE',
        `frames of ${describeTransferSyntax(row.transfer_syntax)} cannot be decoded here; retrieve the instance instead`,
      );
    }
    const bytes = await this.blobs.get(row.blob_key);
    const parsed = parseInstance(bytes, { maxBytes: Number.MAX_SAFE_INTEGER });
    if (!parsed.pixelData) throw new DicomwebError('NOT_ACCEPTABLE', 'instance has no pixel data');
    return { bytes, parsed };
  }

  private url(pathname: string): string {
    return `${this.config.PUBLIC_URL}/dicomweb${pathname}`;
  }
}

function failureFor(code: DicomRejectCode | undefined): number {
  switch (code) {
    case 'SOP_CLASS_NOT_SUPPORTED':
      return FAILURE.SOP_CLASS_NOT_SUPPORTED;
    case 'TRANSFER_SYNTAX_NOT_SUPPORTED':
      return FAILURE.TRANSFER_SYNTAX_NOT_SUPPORTED;
    case 'TOO_LARGE':
      return FAILURE.OUT_OF_RESOURCES;
    case 'NOT_DICOM':
    case 'TRUNCATED':
      return FAILURE.CANNOT_UNDERSTAND;
    case 'MISSING_ATTRIBUTE':
    case 'INVALID_ATTRIBUTE':
    case 'PIXEL_DATA_MISMATCH':
      return FAILURE.DATASET_DOES_NOT_MATCH_SOP_CLASS;
    case undefined:
      return FAILURE.PROCESSING_FAILURE;
    default: {
      const unmapped: never = code;
      throw new Error(`unmapped reject code ${String(unmapped)}`);
    }
  }
}

function paging(query: Record<string, string | undefined>): { limit: number; offset: number } {
  const limit = query['limit'] === undefined ? 100 : Number(query['limit']);
  const offset = query['offset'] === undefined ? 0 : Number(query['offset']);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new DicomwebError('BAD_REQUEST', 'limit must be an integer 1..1000');
  if (!Number.isInteger(offset) || offset < 0) throw new DicomwebError('BAD_REQUEST', 'offset must be a non-negative integer');
  return { limit, offset };
}

function listOf(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  const items = value
    .split(/[,\\]/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.some((uid) => !/^[0-9]+(\.[0-9]+)*$/.test(uid)))
    throw new DicomwebError('BAD_REQUEST', 'StudyInstanceUID must be a UID or a comma-separated list of UIDs');
  return items;
}

/** DICOM date range matching: YYYYMMDD, YYYYMMDD-YYYYMMDD, -YYYYMMDD, YYYYMMDD-. */
export function dateRange(value: string | undefined): { from: string | null; to: string | null } {
  if (!value) return { from: null, to: null };
  const m = /^(\d{8})?(-)?(\d{8})?$/.exec(value.trim());
  if (!m || (!m[1] && !m[3])) throw new DicomwebError('BAD_REQUEST', 'StudyDate must be YYYYMMDD or a range YYYYMMDD-YYYYMMDD');
  const iso = (d: string | undefined): string | null => (d ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : null);
  if (!m[2]) return { from: iso(m[1]), to: iso(m[1]) };
  return { from: iso(m[1]), to: iso(m[3]) };
}

/** DICOM wildcard matching (* and ?) as a LIKE pattern, other LIKE characters escaped. */
export function wildcardToLike(value: string): string {
  return value
    .replace(/[\\%_]/g, (c) => `\\${c}`)
    .replace(/\*/g, '%')
    .replace(/\?/g, '_');
}
