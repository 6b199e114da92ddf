import { useEffect, useRef, useState, type DragEvent } from 'react';
import { Link } from 'react-router';
import { useAuth } from '../auth/index.js';
import { useCurrentUser } from '../shell/current-user.js';
import { fromDataTransfer, fromFileList, type UploadFile } from './collect-files.js';
import { uploadFiles, type StowOptions, type UploadProgress } from './stow-client.js';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

type Phase = 'idle' | 'uploading' | 'done';

/** `/upload`: DICOM files or whole folders, sent by STOW-RS in batches with progress and a per-file failure list. */
export function UploadPage({ createXhr, batchFiles, concurrency }: Pick<StowOptions, 'createXhr' | 'batchFiles' | 'concurrency'> = {}) {
  const { getAccessToken } = useAuth();
  const { hasRole } = useCurrentUser();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [phase, setPhase] = useState<Phase>('idle');
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [dragging, setDragging] = useState(false);
  const [collectError, setCollectError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const add = (more: UploadFile[]) => {
    setCollectError(null);
    setPhase('idle');
    setProgress(null);
    setFiles((prev) => {
      const seen = new Set(prev.map((f) => f.path));
      return [...prev, ...more.filter((f) => !seen.has(f.path))];
    });
  };

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    if (phase === 'uploading') return;
    // Entries must be taken from the DataTransfer during the event; fromDataTransfer does so before it awaits.
    fromDataTransfer(e.dataTransfer).then(add, (err: unknown) => setCollectError(err instanceof Error ? err.message : 'Could not read the dropped files'));
  };

  const start = async () => {
    const controller = new AbortController();
    abort.current = controller;
    setPhase('uploading');
    const result = await uploadFiles(files, { getAccessToken, createXhr, batchFiles, concurrency, onProgress: setProgress, signal: controller.signal });
    setProgress(result);
    setPhase('done');
  };

  const totalBytes = files.reduce((n, f) => n + f.file.size, 0);
  const failures = progress?.outcomes.filter((o) => !o.ok) ?? [];
  const stored = (progress?.outcomes.length ?? 0) - failures.length;
  const studies = new Set(progress?.outcomes.flatMap((o) => (o.ok && o.studyInstanceUid ? [o.studyInstanceUid] : [])) ?? []);
  const percent = progress && progress.totalBytes > 0 ? Math.round((progress.sentBytes / progress.totalBytes) * 100) : 0;

  return (
    <section className="page" aria-labelledby="upload-title">
      <h1 id="upload-title">Upload DICOM</h1>
      <div
        className={`drop-zone${dragging ? ' drop-zone-active' : ''}`}
        role="region"
        aria-label="Drop zone for DICOM files and folders"
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>Drop DICOM files or a whole folder here, or</p>
        <div className="drop-zone-actions">
          <label className="button">
            Choose files
            <input
              type="file"
              multiple
              className="visually-hidden"
              disabled={phase === 'uploading'}
              onChange={(e) => {
                if (e.target.files) add(fromFileList(e.target.files));
                e.target.value = '';
              }}
            />
          </label>
          <label className="button">
            Choose a folder
            <input
              type="file"
              multiple
              className="visually-hidden"
              disabled={phase === 'uploading'}
              ref={(el) => {
                el?.setAttribute('webkitdirectory', '');
              }}
              onChange={(e) => {
                if (e.target.files) add(fromFileList(e.target.files));
                e.target.value = '';
              }}
            />
          </label>
        </div>
      </div>
      {collectError && (
        <p role="alert" className="state state-error">
          {collectError}
        </p>
      )}

      {files.length > 0 && (
        <div className="upload-selection">
          <span data-testid="upload-selection">
            {files.length} {files.length === 1 ? 'file' : 'files'} selected ({formatBytes(totalBytes)})
          </span>
          <button type="button" className="button primary" disabled={phase === 'uploading'} onClick={() => void start()}>
            Upload
          </button>
          {phase === 'uploading' ? (
            <button type="button" className="button" onClick={() => abort.current?.abort()}>
              Cancel
            </button>
          ) : (
            <button
              type="button"
              className="button"
              onClick={() => {
                setFiles([]);
                setProgress(null);
                setPhase('idle');
              }}
            >
              Clear
            </button>
          )}
        </div>
      )}

      {progress && (
        <div className="upload-progress">
          <progress aria-label="Upload progress" max={100} value={percent} />
          <span>
            {percent}% · {formatBytes(progress.sentBytes)} of {formatBytes(progress.totalBytes)} · {progress.doneFiles} of {progress.totalFiles} files answered
          </span>
        </div>
      )}

      {phase === 'done' && progress && (
        <div className="upload-summary">
          <p role="status" className={failures.length > 0 ? 'summary-warning' : 'summary-ok'}>
            Stored {stored} of {progress.totalFiles} files
            {studies.size > 0 && ` in ${studies.size} ${studies.size === 1 ? 'study' : 'studies'}`}
            {failures.length > 0 ? `; ${failures.length} failed.` : '.'}
          </p>
          {stored > 0 &&
            (hasRole('CLINICIAN') ? (
              <p>
                <Link to="/?order=RECEIVED_AT_DESC">Open the worklist</Link> to follow the analysis.
              </p>
            ) : (
              <p>The studies appear on the hospital&apos;s worklist once received.</p>
            ))}
        </div>
      )}

      {failures.length > 0 && (
        <table className="data-table failures" aria-label="Failed files">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {failures.map((f, i) => (
              <tr key={`${f.path}:${i}`}>
                <td className="file-path">{f.path}</td>
                <td>{f.ok ? '' : f.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
