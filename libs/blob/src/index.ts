export {
  FilesystemBlobStore,
  type BlobStore,
  type BlobWriter,
  type FilesystemBlobStoreOptions,
  type SpooledFile,
  type SpoolWriter,
  type StoredBlob,
} from './blob-store.js';
export { type JournalOptions, type JournalRecovery } from './journal.js';
export { inParallel } from './util.js';
