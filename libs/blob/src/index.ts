export {
  FilesystemBlobStore,
  readSpoolFile,
  type BlobStore,
  type BlobWriter,
  type FilesystemBlobStoreOptions,
  type SpooledFile,
  type SpoolFileState,
  type SpoolWriter,
  type StoredBlob,
} from './blob-store.js';
export { type JournalOptions, type JournalRecovery } from './journal.js';
export { inParallel } from './util.js';
