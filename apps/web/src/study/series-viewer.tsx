import { useEffect, useMemo, useState } from 'react';
import { type CamVolume, toCamVolume } from './cam.js';
import { type FetchLike, loadSeries, type PngDecoder, type SliceImage } from './series-loader.js';
import { SliceViewer } from './slice-viewer.js';

export interface ViewerFinding {
  readonly id: string;
  readonly camUrl: string;
  readonly keySliceIndex: number;
  readonly predictedClass: string;
  readonly labels: readonly string[];
  /** SOP Instance UIDs in the model's order. */
  readonly sliceSopInstanceUids: readonly string[];
}

export interface SeriesViewerProps {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly finding: ViewerFinding | null;
  /** fetch with the bearer token. */
  readonly fetch: FetchLike;
  readonly decodePng?: PngDecoder;
}

interface PixelsState {
  readonly order: readonly string[];
  readonly slices: readonly (SliceImage | undefined)[];
  readonly error: string | null;
}

const EMPTY: PixelsState = { order: [], slices: [], error: null };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Loads the series' pixels (with a progress bar) and the finding's CAM, then shows them in the SliceViewer. */
export function SeriesViewer({ studyInstanceUid, seriesInstanceUid, finding, fetch, decodePng }: SeriesViewerProps) {
  const [pixels, setPixels] = useState<PixelsState>(EMPTY);
  const [cam, setCam] = useState<CamVolume | null>(null);
  const [camError, setCamError] = useState<string | null>(null);
  const findingOrder = finding?.sliceSopInstanceUids;
  const orderKey = findingOrder?.join(',') ?? '';

  useEffect(() => {
    const abort = new AbortController();
    setPixels(EMPTY);
    loadSeries({
      studyInstanceUid,
      seriesInstanceUid,
      findingOrder: orderKey ? orderKey.split(',') : null,
      fetch,
      decodePng,
      signal: abort.signal,
      onPlan: (metas) => {
        if (!abort.signal.aborted) setPixels({ order: metas.map((m) => m.sopInstanceUid), slices: metas.map(() => undefined), error: null });
      },
      onSlice: (index, slice) => {
        if (abort.signal.aborted) return;
        setPixels((p) => {
          const slices = [...p.slices];
          slices[index] = slice;
          return { ...p, slices };
        });
      },
    }).catch((error: unknown) => {
      if (!abort.signal.aborted) setPixels((p) => ({ ...p, error: message(error) }));
    });
    return () => abort.abort();
  }, [studyInstanceUid, seriesInstanceUid, orderKey, fetch, decodePng]);

  const camUrl = finding?.camUrl ?? null;
  useEffect(() => {
    setCam(null);
    setCamError(null);
    if (!camUrl) return undefined;
    const abort = new AbortController();
    fetch(camUrl, { headers: { Accept: 'application/json' }, signal: abort.signal })
      .then(async (res) => {
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return toCamVolume(await res.json());
      })
      .then((volume) => {
        if (!abort.signal.aborted) setCam(volume);
      })
      .catch((error: unknown) => {
        if (!abort.signal.aborted) setCamError(`The CAM could not be loaded (${message(error)}).`);
      });
    return () => abort.abort();
  }, [camUrl, fetch]);

  const keySliceIndex = useMemo(() => {
    if (!finding) return null;
    const sop = finding.sliceSopInstanceUids[finding.keySliceIndex];
    const i = sop === undefined ? -1 : pixels.order.indexOf(sop);
    return i >= 0 ? i : null;
  }, [finding, pixels.order]);

  const loadedCount = pixels.slices.filter((s) => s !== undefined).length;
  const total = pixels.slices.length;

  if (pixels.error) {
    return (
      <div className="viewer__error" role="alert">
        The images could not be loaded: {pixels.error}
      </div>
    );
  }
  if (total === 0) {
    return (
      <div className="viewer__progress" role="status">
        Loading series…
      </div>
    );
  }
  return (
    <div className="viewer__container">
      {loadedCount < total && (
        <div className="viewer__progress" role="status">
          <label>
            Loading slices {loadedCount} / {total}
            <progress max={total} value={loadedCount} />
          </label>
        </div>
      )}
      <SliceViewer
        slices={pixels.slices}
        cam={cam}
        camLabels={finding?.labels ?? []}
        predictedClass={finding?.predictedClass ?? null}
        keySliceIndex={keySliceIndex}
        camMessage={finding ? camError : 'No AI finding for this series yet.'}
      />
    </div>
  );
}
