export {
  FilesystemBlobStore,
  type BlobStore,
  type BlobWriter,
  type FilesystemBlobStoreOptions,
  type SpooledFile,
  type SpoolWriter,
  type StoredBlob,
} from './blob-store.js';
export { scanSegment, type JournalOptions, type JournalRecovery } from './journal.js';
export { inParallel } from './parallel.js';
