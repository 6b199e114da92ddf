import { Inject, Injectable, Optional, type OnApplicationShutdown } from '@nestjs/common';
import type { ApiConfig } from '@cruciate/config';
import { StudyStatus } from '@cruciate/contracts';
import {
  chooseSeries,
  completeInstanceHead,
  DicomRejectError,
  parseInstance,
  parseInstanceHead,
  type InstanceHead,
  type ParsedInstance,
  selectSeries,
  type SeriesSummary,
} from '@cruciate/dicom';
import type { Principal } from '../../auth/principal.js';
import type { Logger } from '../../common/logger.js';
import { API_CONFIG } from '../../config.token.js';
import { Db } from '../../database/db.js';
import { AuditService } from '../audit/audit.service.js';
import { LOGGER } from '../../oidc/oidc-provider.service.js';
import { inParallel, type BlobStore, type BlobWriter, type SpooledFile, type SpoolWriter, type StoredBlob } from '@cruciate/blob';
import { IndexQueue } from './index-queue.js';
import { IngestError } from './ingest.errors.js';
import { IngestRepository, type InsertedInstance, type NewInstanceRow, type SeriesRow } from './ingest.repository.js';
import type { JobQueue } from './job-queue.js';
import type { PatientKeyer } from './patient-key.js';
import type { StoredUidFilters } from './stored-uid-filter.js';

export const BLOB_STORE = Symbol('BLOB_STORE');
/** Group commit of the C-STORE index: a batch waits this long for more instances (see IndexQueue). */
const SPOOL_INDEX_LINGER_MS = 40;
/** How long instances indexed by the group commit are remembered (an early look-up older than this is repeated). */
const INDEXED_MEMORY_MS = 30_000;
/** Bytes the head parser gets (as much as the C-STORE listener keeps in memory per instance). */
const PARSE_HEAD_BYTES = 64 * 1024;
/** Spool files recovered at once (each is read whole into memory, up to MAX_INSTANCE_BYTES each). */
const RECOVERY_CONCURRENCY = 8;
export const JOB_QUEUE = Symbol('JOB_QUEUE');
export const PATIENT_KEYER = Symbol('PATIENT_KEYER');
export const STORED_UID_FILTERS = Symbol('STORED_UID_FILTERS');

export interface StoreOutcome {
  readonly status: 'STORED' | 'DUPLICATE';
  readonly instanceId: string;
  readonly seriesId: string;
  readonly studyId: string;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
}

/**
 * An instance parsed and written, not yet indexed: its blob is being made durable (staged, see BlobWriter.stage), and
 * counts as stored once `blob.durable()` (or BlobStore.durableAll for many) has resolved.
 */
export interface PreparedInstance {
  readonly parsed: ParsedInstance;
  readonly row: NewInstanceRow;
  readonly blob: BlobWriter;
}

/** An instance streamed into the spool as it arrived (C-STORE): every byte written, plus its first bytes for the parser. */
export interface ReceivedInstance {
  /** The first bytes of the Part 10 object (a bounded prefix; the whole object when it is small). */
  readonly head: Uint8Array;
  readonly blob: SpoolWriter;
  /** The index look-up of the SOP Instance UID the command announced, if one was started. */
  readonly lookup?: EarlyLookup;
  /** fdatasync on the event loop instead of the thread pool (see SpoolWriter.flush): the listener's call. */
  readonly inlineFlush?: boolean;
  /**
   * `head` as read (readInstanceHead) while the rest of the object was still arriving, off the latency path; absent
   * when the receiver did not read it early (then it is parsed here).
   */
  readonly headRead?: InstanceHead | null;
}

/**
 * A received instance that may be acknowledged: its bytes are durable (spooled) or it was already stored with the
 * same bytes. `indexed` resolves once its index row has committed (group commit, behind the response), or rejects
 * when the index refused it then; its spool file stays for recovery in that case, so nothing acknowledged is lost.
 */
export interface Receipt {
  readonly status: 'STORED' | 'DUPLICATE';
  readonly sopInstanceUid: string;
  readonly indexed: Promise<StoreOutcome>;
}

/**
 * A look-up of a SOP Instance UID in the index started before the instance's bytes arrived (C-STORE: the command
 * names the instance), so that its round trip overlaps the transfer.
 */
export interface EarlyLookup {
  readonly sopInstanceUid: string;
  /** performance.now() before the query was sent. */
  readonly startedAt: number;
  /** Null when none was sent: the hospital's stored-UID filter said the instance is new. */
  readonly stored: ReturnType<IngestRepository['storedInstance']> | null;
}

/** A spooled instance waiting for its index row. */
interface SpooledInstance {
  readonly parsed: ParsedInstance;
  readonly row: NewInstanceRow;
  readonly writer: SpoolWriter;
}

/** What a spool recovery pass did. */
export interface SpoolRecovery {
  readonly indexed: number;
  readonly removedEmpty: number;
  readonly quarantined: number;
  readonly failed: number;
}

export interface CompletionOutcome {
  /** Series for which an inference job was enqueued. */
  readonly enqueued: readonly string[];
  /** Studies that ended NOT_APPLICABLE, with the reason. */
  readonly notApplicable: readonly { studyId: string; reason: string }[];
}

/** Who sent the DICOM: an authenticated principal (STOW-RS) or a DIMSE association. */
export type IngestSource =
  { readonly principal: Principal } | { readonly dimse: { readonly callingAe: string; readonly calledAe: string; readonly peer: string } };

/**
 * Ingest of DICOM instances, the same for C-STORE and STOW-RS: parse and validate the header, store the
 * bytes untouched by content hash, index patient/study/series/instance (idempotent by SOP Instance UID),
 * and, when a series completes, select the series to classify and enqueue its inference job in the same
 * transaction.
 */
@Injectable()
export class IngestService implements OnApplicationShutdown {
  /** Group commit of spooled instances (C-STORE), behind the response. */
  private readonly spoolIndex: IndexQueue<SpooledInstance, StoreOutcome>;
  private recovering: Promise<SpoolRecovery> | null = null;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly db: Db,
    private readonly repo: IngestRepository,
    private readonly audit: AuditService,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(JOB_QUEUE) private readonly jobs: JobQueue,
    @Inject(PATIENT_KEYER) private readonly patientKeys: PatientKeyer,
    @Inject(LOGGER) private readonly logger: Logger,
    /** Answers "stored already?" for new instances without a look-up (C-STORE); without it every instance is looked up. */
    @Optional() @Inject(STORED_UID_FILTERS) private readonly uidFilters?: StoredUidFilters | null,
  ) {
    this.spoolIndex = new IndexQueue((tenantId, items) => this.indexSpooled(tenantId, items), logger.child({ component: 'ingest' }), {
      lingerMs: SPOOL_INDEX_LINGER_MS,
      memoryMs: INDEXED_MEMORY_MS,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.spoolIndex.drain();
    await this.recovering?.catch(() => undefined);
    await this.blobs.closeSpool();
  }

  /**
   * Indexes the hospital's received instances now instead of after the group commit's linger: someone waits for their
   * rows (a C-STORE association's release).
   */
  indexNow(tenantId: string): void {
    this.spoolIndex.hurry(tenantId);
  }

  /** Instances received and not yet in the index (metrics, tests). */
  get unindexed(): number {
    return this.spoolIndex.size;
  }

  /** What recovery passes did since start (metrics). */
  readonly recoveredTotals = { indexed: 0, removedEmpty: 0, quarantined: 0, failed: 0 };

  /** The pseudonymous key of a PatientID in this hospital (QIDO PatientID matching). */
  patientKeyOf(tenantId: string, patientId: string): string {
    return this.patientKeys.keyOf(tenantId, patientId);
  }

  /**
   * Parses and validates without storing (DicomRejectError -> IngestError DICOM_REJECTED). The head parser answers
   * exactly what the whole-object parser would, from the first 64 KiB, whenever it can (it says when it cannot).
   */
  parse(bytes: Uint8Array): ParsedInstance {
    return this.parseHead(bytes.subarray(0, PARSE_HEAD_BYTES), bytes.length) ?? this.parseWhole(bytes);
  }

  private parseWhole(bytes: Uint8Array): ParsedInstance {
    try {
      return parseInstance(bytes, { maxBytes: this.config.MAX_INSTANCE_BYTES });
    } catch (err) {
      if (err instanceof DicomRejectError) throw new IngestError('DICOM_REJECTED', err.message, err.code);
      throw new IngestError('DICOM_REJECTED', 'not a readable DICOM object', 'NOT_DICOM');
    }
  }

  /** A spool writer for an instance of this hospital that will arrive in pieces (C-STORE streams into it, then calls storeReceived). */
  openWriter(tenantId: string): Promise<SpoolWriter> {
    return this.blobs.spoolWriter(tenantId);
  }

  /**
   * Starts the index look-up of an instance about to arrive (storeReceived uses it when it names the same instance
   * and is recent enough that nothing this process indexed since is missed; see IndexQueue.lookupHolds). Sends
   * nothing when the hospital's stored-UID filter says the instance is new (storeReceived asks the filter again).
   */
  lookUpEarly(tenantId: string, sopInstanceUid: string): EarlyLookup {
    const startedAt = performance.now();
    if (this.uidFilters?.absent(tenantId, sopInstanceUid)) return { sopInstanceUid, startedAt, stored: null };
    const stored = this.repo.storedInstance(tenantId, sopInstanceUid);
    // Observed: an instance that never arrives (aborted association) leaves its look-up unused.
    stored.catch(() => undefined);
    return { sopInstanceUid, startedAt, stored };
  }

  /** Parse, validate and store one instance, index it, and say what happened. */
  async storeInstance(tenantId: string, bytes: Uint8Array): Promise<StoreOutcome> {
    const prepared = await this.prepare(tenantId, bytes);
    return this.index(prepared);
  }

  /**
   * The latency path (C-STORE). An instance already streamed into the spool is flushed at once (one fdatasync: the
   * bytes survive a crash from then on) while it is parsed from its head (the whole object is read back only when the
   * head cannot decide) and the index is asked whether its SOP Instance UID is stored already: the look-up the
   * listener started when the command arrived (`lookup`), when it still holds, or a new one. It resolves as soon as
   * the instance may be acknowledged; the index row follows in a group commit (`indexed`), whose spool file recovery
   * indexes again should the process die first. Refused instances leave nothing behind.
   */
  async storeReceived(tenantId: string, received: ReceivedInstance): Promise<Receipt> {
    const writer = received.blob;
    const blob = writer.seal();
    const flushed = writer.flush({ inline: received.inlineFlush === true });
    flushed.catch(() => undefined);
    // Not this copy after all: close the file only once no fdatasync is using its descriptor.
    const discard = async (): Promise<void> => {
      await flushed.catch(() => undefined);
      await writer.discard();
    };
    let parsed: ParsedInstance;
    try {
      parsed = this.parseHead(received.head, blob.size, received.headRead) ?? this.parseWhole(await writer.readBack());
    } catch (err) {
      await discard();
      throw err;
    }
    const sopInstanceUid = parsed.sopInstanceUid;
    const claim = await this.spoolIndex.claim(tenantId, sopInstanceUid, blob.sha256);
    if (claim.kind !== 'new') {
      await discard();
      if (claim.kind === 'conflict') throw conflictError(sopInstanceUid);
      return { status: 'DUPLICATE', sopInstanceUid, indexed: claim.indexed.then((o) => ({ ...o, status: 'DUPLICATE' as const })) };
    }
    const drop = async (): Promise<void> => {
      claim.cancel();
      await discard();
    };
    let stored: Awaited<ReturnType<IngestRepository['storedInstance']>>;
    try {
      // Asked after the claim: what this process indexes is noted in the filter before its commit (see noteIndexing).
      if (this.uidFilters?.absent(tenantId, sopInstanceUid)) stored = null;
      else {
        const early = received.lookup;
        stored = await (early?.stored && early.sopInstanceUid === sopInstanceUid && this.spoolIndex.lookupHolds(early.startedAt)
          ? early.stored
          : this.repo.storedInstance(tenantId, sopInstanceUid));
      }
      if (!stored) await flushed;
    } catch (err) {
      await drop();
      throw err;
    }
    if (stored) {
      await drop();
      if (stored.sha256 !== blob.sha256) throw conflictError(sopInstanceUid);
      const outcome: StoreOutcome = { status: 'DUPLICATE', ...stored, ...uidsOf(parsed) };
      return { status: 'DUPLICATE', sopInstanceUid, indexed: Promise.resolve(outcome) };
    }
    const indexed = claim.accept({ parsed, row: this.rowOf(tenantId, parsed, blob), writer });
    // Refused after the response (the database stayed away): the spool file is left to recovery, never dropped.
    indexed.catch(() => writer.leaveForRecovery());
    return { status: 'STORED', sopInstanceUid, indexed };
  }

  /**
   * One group commit of spooled instances of a tenant: their blobs are linked into their content addresses (and
   * those folders fsync'd), then their rows are written in one statement and one commit; only then are their spool
   * files removed. A batch that fails as a whole throws (the queue retries it); an instance the index refuses on its
   * own fails alone and stays spooled.
   */
  private async indexSpooled(tenantId: string, items: readonly SpooledInstance[]): Promise<(StoreOutcome | Error)[]> {
    // All at once: their cuts, closes and links go to the blob store's file thread in one message.
    await this.allDurable(
      items.map((i) => i.writer),
      items.length,
    );
    this.noteIndexing(tenantId, items);
    let results: (InsertedInstance | Error)[];
    try {
      results = await this.repo.insertInstances(
        tenantId,
        items.map((i) => i.row),
      );
    } catch (err) {
      if (items.length === 1) throw err;
      // One bad row fails the statement: index each on its own so that it fails alone.
      results = [];
      for (const item of items) results.push(await this.repo.insertInstance(item.row).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
    }
    return Promise.all(
      items.map(async (item, i) => {
        const result = results[i]!;
        if (result instanceof Error) {
          await item.writer.leaveForRecovery();
          return result;
        }
        if (!result.inserted && result.storedSha256 !== item.row.instance.sha256) {
          // Another process stored other bytes under this UID between our check and our commit: keep ours aside.
          const where = await this.blobs.quarantine(
            { tenantId, file: item.writer.file, size: item.row.instance.sizeBytes },
            `SOP Instance ${item.parsed.sopInstanceUid} was stored with other content by another writer after this copy was acknowledged`,
          );
          this.logger.error(
            { tenantId, sopInstanceUid: item.parsed.sopInstanceUid, quarantined: where },
            'acknowledged instance conflicts with a copy stored meanwhile; kept in quarantine',
          );
          return conflictError(item.parsed.sopInstanceUid);
        }
        await item.writer.release();
        return this.outcome({ parsed: item.parsed, row: item.row }, result);
      }),
    );
  }

  /**
   * Indexes spool files that no live writer owns: what a crashed or killed process received (and may have
   * acknowledged) but had not indexed yet, and instances whose indexing failed. Idempotent (content addresses,
   * ingest by SOP Instance UID), so a file indexed twice is harmless. Unused files (created or written ahead, nothing
   * received) are removed; files never flushed whole (written ahead, without a matching trailer), files that do not
   * parse as a whole instance, and files that conflict with the stored copy are moved to quarantine.
   */
  recoverSpool(): Promise<SpoolRecovery> {
    this.recovering ??= this.doRecoverSpool().finally(() => {
      this.recovering = null;
    });
    return this.recovering;
  }

  private async doRecoverSpool(): Promise<SpoolRecovery> {
    const counts = { indexed: 0, removedEmpty: 0, quarantined: 0, failed: 0 };
    // Many at a time, so that their rows go in few group commits.
    await inParallel(await this.blobs.spooled(), RECOVERY_CONCURRENCY, async (file) => {
      try {
        await this.recoverFile(file, counts);
      } catch (err) {
        counts.failed++;
        this.logger.error({ err, file: file.file, tenantId: file.tenantId }, 'spool recovery: indexing failed; it will be tried again');
      }
    });
    for (const k of ['indexed', 'removedEmpty', 'quarantined', 'failed'] as const) this.recoveredTotals[k] += counts[k];
    const total = counts.indexed + counts.removedEmpty + counts.quarantined + counts.failed;
    if (total > 0) this.logger.warn(counts, 'spool recovery: instances received before a restart (or whose indexing failed) handled');
    return counts;
  }

  private async recoverFile(file: SpooledFile, counts: { indexed: number; removedEmpty: number; quarantined: number }): Promise<void> {
    const { bytes, writer, state } = await this.blobs.adoptSpooled(file);
    if (state === 'unused') {
      await writer.release();
      counts.removedEmpty++;
      return;
    }
    if (state === 'incomplete') {
      // Written ahead, and no trailer of its own (or a torn one): its flush never ended, so it was never acknowledged.
      await writer.leaveForRecovery();
      const where = await this.blobs.quarantine(file, 'received in part or whole but never flushed (no matching trailer), so never acknowledged');
      this.logger.warn({ file: file.file, quarantined: where }, 'spool recovery: a partly received file was set aside');
      counts.quarantined++;
      return;
    }
    let parsed: ParsedInstance;
    try {
      parsed = this.parse(bytes);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      await writer.leaveForRecovery();
      const where = await this.blobs.quarantine(file, `not a whole instance: ${reason}`);
      this.logger.warn({ file: file.file, quarantined: where, reason }, 'spool recovery: a partly received file was set aside');
      counts.quarantined++;
      return;
    }
    const blob = await writer.flush();
    const claim = await this.spoolIndex.claim(file.tenantId, parsed.sopInstanceUid, blob.sha256);
    if (claim.kind === 'conflict') {
      await writer.leaveForRecovery();
      throw new Error(`SOP Instance ${parsed.sopInstanceUid} is being received with other content`);
    }
    if (claim.kind === 'duplicate') {
      await claim.indexed;
      await writer.release();
      counts.indexed++;
      return;
    }
    try {
      await claim.accept({ parsed, row: this.rowOf(file.tenantId, parsed, blob), writer });
      counts.indexed++;
    } catch (err) {
      await writer.leaveForRecovery();
      if (err instanceof IngestError && err.code === 'INSTANCE_CONFLICT') {
        counts.quarantined++;
        return;
      }
      throw err;
    }
  }

  /**
   * Parse, validate and write the bytes, ready to index; the blob becomes durable in the background (`durable`), and
   * the row that refers to it commits only after that. A blob without a row is unreferenced garbage, never counted
   * as stored.
   */
  async prepare(tenantId: string, bytes: Uint8Array, parsed: ParsedInstance = this.parse(bytes)): Promise<PreparedInstance> {
    const writer = await this.blobs.sealed(bytes);
    const blob = writer.seal();
    writer.stage();
    return { parsed, row: this.rowOf(tenantId, parsed, blob), blob: writer };
  }

  private async index(prepared: PreparedInstance): Promise<StoreOutcome> {
    this.noteIndexing(prepared.row.tenantId, [prepared]);
    return this.outcome(prepared, await this.repo.insertInstanceAfter(prepared.row, prepared.blob.durable()));
  }

  /** parseInstanceHead, or its answer from a head read early (`read`: see ReceivedInstance.headRead). */
  private parseHead(head: Uint8Array, size: number, read?: InstanceHead | null): ParsedInstance | null {
    const options = { maxBytes: this.config.MAX_INSTANCE_BYTES };
    try {
      if (read !== undefined && head.length < size) return read && completeInstanceHead(read, size, options);
      return parseInstanceHead(head, size, options);
    } catch (err) {
      if (err instanceof DicomRejectError) throw new IngestError('DICOM_REJECTED', err.message, err.code);
      throw new IngestError('DICOM_REJECTED', 'not a readable DICOM object', 'NOT_DICOM');
    }
  }

  /**
   * Indexes prepared instances in one statement and one commit, which waits for all their blobs to be durable
   * (throughput path: STOW-RS). When the batch fails as a whole, each instance is indexed on its own so that one
   * bad row (or blob) fails alone.
   */
  async indexBatch(tenantId: string, prepared: readonly PreparedInstance[]): Promise<(StoreOutcome | IngestError)[]> {
    this.noteIndexing(tenantId, prepared);
    try {
      // The rows are written while the blobs are made durable; the commit waits for them.
      const durable = this.allDurable(prepared.map((p) => p.blob));
      durable.catch(() => undefined);
      const results = await this.repo.insertInstancesAfter(
        tenantId,
        prepared.map((p) => p.row),
        durable,
      );
      return results.map((r, i) => this.settle(prepared[i]!, r));
    } catch {
      const out: (StoreOutcome | IngestError)[] = [];
      for (const p of prepared) {
        try {
          out.push(this.settle(p, await this.repo.insertInstanceAfter(p.row, p.blob.durable())));
        } catch (err) {
          out.push(err instanceof IngestError ? err : new IngestError('DICOM_REJECTED', 'the index refused this instance', 'INVALID_ATTRIBUTE'));
        }
      }
      return out;
    }
  }

  /**
   * Notes in the stored-UID filter what is about to be indexed, before its commit: a C-STORE of the same UID from
   * then on is looked up in the index (an extra key costs only a look-up), so this process never depends on the
   * notification of its own commit.
   */
  private noteIndexing(tenantId: string, items: readonly { readonly row: NewInstanceRow }[]): void {
    this.uidFilters?.note(
      tenantId,
      items.map((i) => i.row.instance.sopInstanceUid),
    );
  }

  /** Makes the blobs durable, each folder fsync'd once for the lot (BlobStore.durableAll); throws the first failure. */
  private async allDurable(writers: readonly BlobWriter[], concurrency?: number): Promise<void> {
    const failed = (await this.blobs.durableAll(writers, concurrency)).find((b) => b instanceof Error);
    if (failed) throw failed;
  }

  private settle(p: Pick<PreparedInstance, 'parsed' | 'row'>, r: InsertedInstance): StoreOutcome | IngestError {
    try {
      return this.outcome(p, r);
    } catch (err) {
      if (err instanceof IngestError) return err;
      throw err;
    }
  }

  private outcome(p: Pick<PreparedInstance, 'parsed' | 'row'>, result: InsertedInstance): StoreOutcome {
    if (!result.inserted && result.storedSha256 !== p.row.instance.sha256) throw conflictError(p.parsed.sopInstanceUid);
    return {
      status: result.inserted ? 'STORED' : 'DUPLICATE',
      instanceId: result.instanceId,
      seriesId: result.seriesId,
      studyId: result.studyId,
      ...uidsOf(p.parsed),
    };
  }

  private rowOf(tenantId: string, parsed: ParsedInstance, blob: StoredBlob): NewInstanceRow {
    return {
      tenantId,
      patient: {
        key: this.patientKeys.keyOf(tenantId, parsed.patientId ?? ''),
        sex: normaliseSex(parsed.patientSex),
        birthYear: plausibleYear(parsed.patientBirthYear),
      },
      study: {
        uid: parsed.studyInstanceUid,
        accession: parsed.accessionNumber,
        date: isoDate(parsed.studyDate),
        time: parsed.studyTime,
        description: parsed.studyDescription,
      },
      series: {
        uid: parsed.seriesInstanceUid,
        modality: parsed.modality,
        description: parsed.seriesDescription,
        number: parsed.seriesNumber,
        bodyPart: parsed.bodyPartExamined,
        orientation: parsed.imageOrientationPatient,
      },
      instance: {
        sopInstanceUid: parsed.sopInstanceUid,
        sopClassUid: parsed.sopClassUid,
        instanceNumber: parsed.instanceNumber,
        sliceLocation: parsed.sliceLocation,
        imagePosition: parsed.imagePositionPatient,
        blobKey: blob.key,
        sha256: blob.sha256,
        sizeBytes: blob.size,
        transferSyntax: parsed.transferSyntaxUid,
        rows: parsed.rows,
        columns: parsed.columns,
        numberOfFrames: parsed.numberOfFrames,
      },
    };
  }

  /**
   * Marks series complete (their association or request ended, or they went quiet), decides per study which
   * series the model reads, and enqueues its inference job in the same transaction. Re-sent series (no new
   * instances since the last job) enqueue nothing.
   */
  async completeSeries(
    tenantId: string,
    seriesIds: readonly string[],
    actor: Principal | null,
    source: Record<string, unknown> = {},
  ): Promise<CompletionOutcome> {
    if (seriesIds.length === 0) return { enqueued: [], notApplicable: [] };
    return this.db.withTenant(tenantId, async (manager) => {
      await this.repo.markComplete(tenantId, seriesIds);
      const notApplicable: { studyId: string; reason: string }[] = [];
      // Every study of these series, with all its series, in one statement; the selection decisions in one more.
      const studies = (await this.repo.seriesOfStudiesOf(tenantId, seriesIds)).map(({ studyId, studyStatus, series: all }) => {
        const complete = all.filter((s) => s.status === 'COMPLETE');
        const decisions = complete.map((s) => ({ row: s, ...selectSeries(summaryOf(s)) }));
        const eligible = decisions.filter((d) => d.selected);
        const chosenIndex = eligible.length > 0 ? chooseSeries(eligible.map((d) => summaryOf(d.row))) : -1;
        return { studyId, status: studyStatus, all, complete, decisions, chosen: chosenIndex >= 0 ? eligible[chosenIndex] : undefined };
      });
      await this.repo.setSelections(
        tenantId,
        studies.flatMap(({ decisions, chosen }) =>
          decisions.map((d) => ({
            seriesId: d.row.id,
            selected: d === chosen,
            plane: d.plane,
            reason: d.selected && d !== chosen && chosen ? `eligible, but series ${chosen.row.series_instance_uid} was preferred` : d.reason,
          })),
        ),
      );
      // Per study: its job (if a series was chosen and has instances its job does not cover yet), or NOT_APPLICABLE
      // once all its series are complete and none can be read; its status; its audit event. One statement each, for
      // all the studies together.
      const jobs: { seriesId: string; instanceCount: number }[] = [];
      const statuses: { studyId: string; status: string; reason: string | null }[] = [];
      for (const { studyId, status, all, complete, decisions, chosen } of studies) {
        if (chosen) {
          if (chosen.row.enqueued_instance_count !== chosen.row.instance_count) {
            jobs.push({ seriesId: chosen.row.id, instanceCount: chosen.row.instance_count });
            if (status !== StudyStatus.REVIEWED) statuses.push({ studyId, status: StudyStatus.QUEUED, reason: null });
          }
        } else if (complete.length === all.length && status === StudyStatus.RECEIVING) {
          const reason = `no series the model can read: ${decisions.map((d) => d.reason).join('; ')}`;
          statuses.push({ studyId, status: StudyStatus.NOT_APPLICABLE, reason });
          notApplicable.push({ studyId, reason });
        }
      }
      const enqueued = jobs.map((j) => j.seriesId);
      await this.jobs.sendInferences(
        manager,
        jobs.map((j) => ({ tenantId, seriesId: j.seriesId })),
      );
      await this.repo.setEnqueued(tenantId, jobs);
      await this.repo.setStudyStatuses(tenantId, statuses);
      await this.audit.recordAll(
        actor,
        studies.map(({ studyId, complete, chosen }) => ({
          tenantId,
          action: 'study.ingest',
          targetType: 'study',
          targetId: studyId,
          detail: {
            ...source,
            seriesCompleted: complete.map((s) => s.id).filter((id) => seriesIds.includes(id)),
            enqueued: chosen && enqueued.includes(chosen.row.id) ? [chosen.row.id] : [],
          },
        })),
      );
      return { enqueued, notApplicable };
    });
  }

  /** Completes series that stopped receiving more than SERIES_QUIET_PERIOD_S ago (all hospitals). */
  async completeQuietSeries(): Promise<number> {
    const quiet = await this.db.forSystem('complete series that went quiet (maintenance)', () => this.repo.quietSeries(this.config.SERIES_QUIET_PERIOD_S, 500));
    const byTenant = new Map<string, string[]>();
    for (const s of quiet) byTenant.set(s.tenant_id, [...(byTenant.get(s.tenant_id) ?? []), s.id]);
    for (const [tenantId, ids] of byTenant) await this.completeSeries(tenantId, ids, null, { trigger: 'quiet-period' });
    return quiet.length;
  }
}

function conflictError(sopInstanceUid: string): IngestError {
  return new IngestError('INSTANCE_CONFLICT', `SOP Instance ${sopInstanceUid} is already stored with different content; the first copy is kept`);
}

function uidsOf(parsed: ParsedInstance): Pick<StoreOutcome, 'sopClassUid' | 'sopInstanceUid' | 'studyInstanceUid' | 'seriesInstanceUid'> {
  return {
    sopClassUid: parsed.sopClassUid,
    sopInstanceUid: parsed.sopInstanceUid,
    studyInstanceUid: parsed.studyInstanceUid,
    seriesInstanceUid: parsed.seriesInstanceUid,
  };
}

function summaryOf(s: SeriesRow): SeriesSummary {
  return {
    modality: s.modality,
    seriesDescription: s.description,
    bodyPartExamined: s.body_part,
    imageOrientationPatient: s.image_orientation,
    instanceCount: s.instance_count,
  };
}

function isoDate(dicomDate: string | null): string | null {
  const m = dicomDate ? /^(\d{4})(\d{2})(\d{2})$/.exec(dicomDate.trim()) : null;
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}

/** Birth years outside 1850..2200 are data-entry noise, not a reason to refuse the image. */
function plausibleYear(year: number | null): number | null {
  return year !== null && year >= 1850 && year <= 2200 ? year : null;
}

function normaliseSex(sex: string | null): string | null {
  const s = sex?.trim().toUpperCase();
  return s === 'M' || s === 'F' || s === 'O' ? s : null;
}
