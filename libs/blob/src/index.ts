export { FilesystemBlobStore, type BlobStore, type BlobWriter, type SpooledFile, type SpoolWriter, type StoredBlob } from './blob-store.js';
