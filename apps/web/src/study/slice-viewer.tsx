import { type KeyboardEvent as ReactKeyboardEvent, type MouseEvent as ReactMouseEvent, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { camLegendGradient, type CamVolume } from './cam.js';
import { humaniseLabel } from './labels.js';
import type { SliceImage } from './series-loader.js';
import { ViewerRenderer } from './viewer-renderer.js';
import {
  dragScale,
  dragWindow,
  formatWindow,
  histogram,
  type PresetId,
  percentile,
  storedRange,
  windowBetween,
  type WindowLevel,
  windowPresets,
  type WindowPreset,
} from './window-level.js';
import './viewer.css';

export interface SliceViewerProps {
  /** Every slice of the series in display order; undefined while it is still loading. */
  readonly slices: readonly (SliceImage | undefined)[];
  /** The finding's CAMs (null: no finding, or not loaded). */
  readonly cam: CamVolume | null;
  /** Labels the overlay can show, in model order. */
  readonly camLabels: readonly string[];
  /** The AI's predicted label: the overlay's default class. */
  readonly predictedClass: string | null;
  /** Display index of the key slice (null without a finding): the viewer opens there. */
  readonly keySliceIndex: number | null;
  /** Why there is no overlay, when there is a finding but its CAM could not be loaded. */
  readonly camMessage?: string | null;
}

const PAGE_STEP = 5;
const WHEEL_PIXELS_PER_SLICE = 50;

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** The Default window before every slice has loaded: the header's, else the first loaded slice's 0.5..99.5 percentile. */
function provisionalWindow(slices: readonly (SliceImage | undefined)[]): WindowLevel | null {
  const first = slices.find((s): s is SliceImage => s !== undefined);
  if (!first) return null;
  if (first.window) return first.window;
  const range = storedRange([first.pixels]);
  const h = histogram([first.pixels], range);
  const m = (v: number): number => v * first.rescale.slope + first.rescale.intercept;
  const a = m(percentile(h, 0.5));
  const b = m(percentile(h, 99.5));
  return windowBetween(Math.min(a, b), Math.max(a, b));
}

/**
 * The slice viewer: a canvas with window/level by mouse drag and presets, slice scrolling (wheel, arrow keys, page
 * keys), a slice counter, the CAM overlay (toggle "C", opacity, class, colour legend) and "Jump to key slice" ("K").
 */
export function SliceViewer({ slices, cam, camLabels, predictedClass, keySliceIndex, camMessage = null }: SliceViewerProps) {
  const total = slices.length;
  const [slice, setSlice] = useState(() => clamp(keySliceIndex ?? Math.floor(total / 2), 0, Math.max(0, total - 1)));
  const [userWindow, setUserWindow] = useState<WindowLevel | null>(null);
  const [presetId, setPresetId] = useState<PresetId | null>('default');
  const [overlay, setOverlay] = useState(true);
  const [opacity, setOpacity] = useState(0.5);
  const [camLabel, setCamLabel] = useState<string | null>(predictedClass);
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const stageRef = useRef<HTMLDivElement | null>(null);
  const rendererRef = useRef<ViewerRenderer | null>(null);
  const wheelRef = useRef(0);
  const dragRef = useRef<{ x: number; y: number; start: WindowLevel; scale: number } | null>(null);
  const ids = useId();

  const loaded = useMemo(() => slices.filter((s): s is SliceImage => s !== undefined), [slices]);
  const complete = loaded.length === total && total > 0;
  const presets = useMemo<WindowPreset[] | null>(() => {
    const first = loaded[0];
    if (!complete || !first) return null;
    const frames = loaded.filter((s) => s.source === first.source).map((s) => s.pixels);
    const range = storedRange(frames);
    return windowPresets(histogram(frames, range), range, first.rescale, first.window);
  }, [complete, loaded]);
  const fallbackWindow = useMemo(() => provisionalWindow(slices), [slices]);
  const presetWindow = presetId ? presets?.find((p) => p.id === presetId)?.window : undefined;
  const wl = userWindow ?? presetWindow ?? fallbackWindow;

  const labels = cam?.labels ?? camLabels;
  const classLabel = camLabel !== null && labels.includes(camLabel) ? camLabel : (labels[0] ?? null);
  const classIndex = cam && classLabel ? cam.labels.indexOf(classLabel) : -1;
  const hasCam = cam !== null;
  const current = slices[slice];
  const isKeySlice = keySliceIndex !== null && slice === keySliceIndex;

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return undefined;
    const renderer = new ViewerRenderer(canvas);
    rendererRef.current = renderer;
    return () => {
      renderer.dispose();
      rendererRef.current = null;
    };
  }, []);
  useEffect(() => rendererRef.current?.setSlices(slices), [slices]);
  useEffect(() => rendererRef.current?.setCam(cam), [cam]);
  useEffect(() => {
    if (wl) rendererRef.current?.setState({ slice, window: wl, overlay: overlay && hasCam, opacity, classIndex });
  }, [slice, wl, overlay, hasCam, opacity, classIndex]);

  const step = useCallback((delta: number) => setSlice((s) => clamp(s + delta, 0, Math.max(0, total - 1))), [total]);
  const jumpToKey = useCallback(() => {
    if (keySliceIndex !== null) setSlice(clamp(keySliceIndex, 0, Math.max(0, total - 1)));
  }, [keySliceIndex, total]);

  // Native, non-passive wheel listener: React's is passive, and the page must not scroll while the slices do.
  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return undefined;
    const onWheel = (e: WheelEvent): void => {
      e.preventDefault();
      // One mouse-wheel notch (>= 50 px, or lines/pages) is one slice; trackpads' small deltas accumulate.
      const delta = e.deltaMode === 0 ? e.deltaY : e.deltaY * WHEEL_PIXELS_PER_SLICE;
      if (Math.abs(delta) >= WHEEL_PIXELS_PER_SLICE) {
        wheelRef.current = 0;
        step(Math.sign(delta));
        return;
      }
      wheelRef.current += delta;
      if (Math.abs(wheelRef.current) >= WHEEL_PIXELS_PER_SLICE) {
        step(Math.sign(wheelRef.current));
        wheelRef.current = 0;
      }
    };
    stage.addEventListener('wheel', onWheel, { passive: false });
    return () => stage.removeEventListener('wheel', onWheel);
  }, [step]);

  const onKeyDown = (e: ReactKeyboardEvent<HTMLElement>): void => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLTextAreaElement) return;
    let handled = true;
    switch (e.key) {
      case 'ArrowDown':
        step(1);
        break;
      case 'ArrowUp':
        step(-1);
        break;
      case 'PageDown':
        step(PAGE_STEP);
        break;
      case 'PageUp':
        step(-PAGE_STEP);
        break;
      case 'Home':
        setSlice(0);
        break;
      case 'End':
        setSlice(Math.max(0, total - 1));
        break;
      case 'c':
      case 'C':
        if (hasCam) setOverlay((o) => !o);
        break;
      case 'k':
      case 'K':
        jumpToKey();
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  };

  const onMouseDown = (e: ReactMouseEvent<HTMLCanvasElement>): void => {
    if (e.button !== 0 || !wl) return;
    e.preventDefault();
    stageRef.current?.focus();
    const first = loaded[0];
    const range = first ? storedRange([first.pixels]) : { min: 0, max: 255 };
    dragRef.current = { x: e.clientX, y: e.clientY, start: wl, scale: dragScale(range, first?.rescale ?? { slope: 1, intercept: 0 }) };
    const onMove = (m: MouseEvent): void => {
      const d = dragRef.current;
      if (!d) return;
      setUserWindow(dragWindow(d.start, m.clientX - d.x, m.clientY - d.y, d.scale));
      setPresetId(null);
    };
    const onUp = (): void => {
      dragRef.current = null;
      document.removeEventListener('mousemove', onMove);
      document.removeEventListener('mouseup', onUp);
    };
    document.addEventListener('mousemove', onMove);
    document.addEventListener('mouseup', onUp);
  };

  const choosePreset = (preset: WindowPreset): void => {
    setPresetId(preset.id);
    setUserWindow(null);
  };

  const helpId = `${ids}-help`;
  return (
    <section className="viewer" aria-label="Slice viewer" onKeyDown={onKeyDown}>
      <div
        ref={stageRef}
        className="viewer__stage"
        tabIndex={0}
        role="group"
        aria-label="Image: scroll or use arrow keys to change slice, drag to change window/level"
        aria-describedby={helpId}
      >
        <canvas ref={canvasRef} className="viewer__canvas" aria-label={`Sagittal slice ${slice + 1} of ${total}`} role="img" onMouseDown={onMouseDown} />
        {!current && <div className="viewer__placeholder">Loading slice…</div>}
        <div className="viewer__readouts">
          <span className="viewer__readout" data-testid="slice-counter">
            Slice {total === 0 ? 0 : slice + 1} / {total}
          </span>
          {isKeySlice && <span className="viewer__readout viewer__readout--key">Key slice</span>}
          <span className="viewer__readout" data-testid="window-readout">
            {wl ? formatWindow(wl) : 'W – / L –'}
          </span>
        </div>
      </div>
      <p id={helpId} className="viewer__help">
        Wheel or ↑/↓: slice · PgUp/PgDn: 5 slices · drag: window (←→ width, ↑↓ level) · C: overlay · K: key slice
      </p>

      <div className="viewer__toolbar">
        <div className="viewer__group" role="group" aria-label="Window presets">
          {(presets ?? []).map((p) => (
            <button key={p.id} type="button" aria-pressed={presetId === p.id} onClick={() => choosePreset(p)} title={formatWindow(p.window)}>
              {p.label}
            </button>
          ))}
          {!presets && <span className="viewer__muted">Presets when all slices have loaded</span>}
        </div>
        <div className="viewer__group" role="group" aria-label="Slice navigation">
          <button type="button" onClick={() => step(-1)} disabled={slice <= 0} aria-label="Previous slice">
            ▲
          </button>
          <button type="button" onClick={() => step(1)} disabled={slice >= total - 1} aria-label="Next slice">
            ▼
          </button>
          <button type="button" onClick={jumpToKey} disabled={keySliceIndex === null} aria-keyshortcuts="K">
            Jump to key slice
          </button>
        </div>
      </div>

      <fieldset className="viewer__overlay" disabled={!hasCam}>
        <legend>CAM overlay</legend>
        {camMessage && <p className="viewer__muted">{camMessage}</p>}
        <label className="viewer__check">
          <input type="checkbox" checked={overlay && hasCam} onChange={(e) => setOverlay(e.target.checked)} aria-keyshortcuts="C" />
          Show overlay
        </label>
        <label className="viewer__field">
          Opacity
          <input type="range" min={0} max={100} step={5} value={Math.round(opacity * 100)} onChange={(e) => setOpacity(Number(e.target.value) / 100)} />
          <output>{Math.round(opacity * 100)}%</output>
        </label>
        <label className="viewer__field">
          Class
          <select value={classLabel ?? ''} onChange={(e) => setCamLabel(e.target.value)}>
            {labels.map((l) => (
              <option key={l} value={l}>
                {humaniseLabel(l)}
                {l === predictedClass ? ' (predicted)' : ''}
              </option>
            ))}
          </select>
        </label>
        <figure className="viewer__legend" aria-label="CAM colour scale">
          <div className="viewer__legend-bar" style={{ background: camLegendGradient() }} />
          <figcaption className="viewer__legend-scale">
            <span>0</span>
            <span>evidence for {classLabel ? humaniseLabel(classLabel) : '–'}</span>
            <span>1</span>
          </figcaption>
        </figure>
      </fieldset>
    </section>
  );
}
