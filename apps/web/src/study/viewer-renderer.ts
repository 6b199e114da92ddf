/**
 * Draws the viewer's canvas. Kept outside React so scrolling never waits on a render: the component pushes state in,
 * draws happen once per animation frame at most (requestAnimationFrame coalesces wheel/drag bursts).
 *
 * Caches, all lazy:
 * - one LUT per (rescale, invert, pixel type), rebuilt when the window changes;
 * - per slice, an image-sized canvas holding the windowed grey image, redrawn only when the window changes;
 * - per slice and class, an image-sized canvas holding the colour-mapped CAM, bilinearly upsampled once.
 * A frame is then two drawImage calls (grey, then the CAM with globalAlpha = opacity), which the browser composites
 * on the GPU. While idle, the slices next to the current one are prepared, so a scroll finds them ready.
 *
 * Frame statistics go to `window.__cruciateViewerStats` (see README.md in this folder) so a browser test can compute
 * frames per second while it scrolls.
 */
import { camToRgba, type CamVolume, upsampleCam } from './cam.js';
import type { SliceImage } from './series-loader.js';
import { applyLut, buildLut, type Lut, typeRange, type WindowLevel } from './window-level.js';

export interface ViewState {
  readonly slice: number;
  readonly window: WindowLevel;
  readonly overlay: boolean;
  /** 0..1 */
  readonly opacity: number;
  /** Index into the CAM's labels. */
  readonly classIndex: number;
}

export interface ViewerStats {
  /** Frames drawn since the page loaded (every viewer on the page adds to it). */
  framesDrawn: number;
  /** Milliseconds the last frame took to draw (JS work, including any cache fill). */
  lastFrameMs: number;
  /** Sum of the frames' draw times, for a mean. */
  totalFrameMs: number;
  /** performance.now() when the last frame was drawn. */
  lastFrameAt: number;
  /** What the last frame showed. */
  slice: number;
  overlay: boolean;
  /** Whether the last frame drew the CAM (overlay on and a CAM for that slice). */
  camDrawn: boolean;
}

declare global {
  interface Window {
    __cruciateViewerStats?: ViewerStats;
  }
}

/** The page-wide stats object (created on first use). */
export function viewerStats(): ViewerStats {
  window.__cruciateViewerStats ??= { framesDrawn: 0, lastFrameMs: 0, totalFrameMs: 0, lastFrameAt: 0, slice: -1, overlay: false, camDrawn: false };
  return window.__cruciateViewerStats;
}

/** The 2D context of a canvas, or null where there is none (jsdom, a lost context). Never throws. */
export function context2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D | null {
  try {
    return canvas.getContext('2d') ?? null;
  } catch {
    return null;
  }
}

interface Surface {
  readonly canvas: HTMLCanvasElement;
  readonly ctx: CanvasRenderingContext2D;
  readonly image: ImageData;
}

interface GreyEntry {
  readonly surface: Surface;
  windowKey: string;
}

/** Longest a warm-up step may run before yielding to the browser. */
const WARM_UP_BUDGET_MS = 8;

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function windowKey(w: WindowLevel): string {
  return `${w.center}|${w.width}`;
}

function lutKey(slice: SliceImage): string {
  return `${slice.rescale.slope}|${slice.rescale.intercept}|${slice.invert ? 1 : 0}|${slice.pixels.constructor.name}`;
}

export class ViewerRenderer {
  private slices: readonly (SliceImage | undefined)[] = [];
  private cam: CamVolume | null = null;
  /** Viewer slice index -> CAM slice index (by SOP Instance UID). */
  private camSlice: readonly (number | undefined)[] = [];
  private state: ViewState | null = null;
  private frame = 0;
  private idle = 0;
  private luts = new Map<string, Lut>();
  private lutWindow = '';
  private grey = new Map<number, GreyEntry>();
  private cams = new Map<string, Surface>();
  private disposed = false;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly stats: ViewerStats = viewerStats(),
  ) {}

  setSlices(slices: readonly (SliceImage | undefined)[]): void {
    if (slices === this.slices) return;
    // Slices are immutable once loaded: keep caches of those that stayed the same.
    for (const i of [...this.grey.keys()]) if (this.slices[i] !== slices[i]) this.grey.delete(i);
    this.slices = slices;
    this.mapCam();
    this.requestDraw();
  }

  setCam(cam: CamVolume | null): void {
    if (cam === this.cam) return;
    this.cam = cam;
    this.cams.clear();
    this.mapCam();
    this.requestDraw();
  }

  setState(state: ViewState): void {
    this.state = state;
    this.requestDraw();
  }

  requestDraw(): void {
    if (this.disposed || this.frame) return;
    const raf = typeof requestAnimationFrame === 'function' ? requestAnimationFrame : (cb: FrameRequestCallback) => window.setTimeout(() => cb(now()), 16);
    this.frame = raf(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Draws now (the animation-frame callback; tests call it directly). */
  draw(): void {
    const state = this.state;
    if (this.disposed || !state) return;
    const started = now();
    const ctx = context2d(this.canvas);
    const slice = this.slices[state.slice];
    if (!ctx || !slice) return;
    if (this.canvas.width !== slice.columns) this.canvas.width = slice.columns;
    if (this.canvas.height !== slice.rows) this.canvas.height = slice.rows;
    const grey = this.greySurface(state.slice, slice, state.window);
    ctx.globalAlpha = 1;
    if (grey) ctx.drawImage(grey.canvas, 0, 0);
    let camDrawn = false;
    if (state.overlay && state.opacity > 0) {
      const cam = this.camSurface(state.slice, state.classIndex, slice);
      if (cam) {
        ctx.globalAlpha = state.opacity;
        ctx.drawImage(cam.canvas, 0, 0);
        ctx.globalAlpha = 1;
        camDrawn = true;
      }
    }
    const took = now() - started;
    this.stats.framesDrawn++;
    this.stats.lastFrameMs = took;
    this.stats.totalFrameMs += took;
    this.stats.lastFrameAt = now();
    this.stats.slice = state.slice;
    this.stats.overlay = state.overlay;
    this.stats.camDrawn = camDrawn;
    this.scheduleWarmUp();
  }

  dispose(): void {
    this.disposed = true;
    if (this.frame && typeof cancelAnimationFrame === 'function') cancelAnimationFrame(this.frame);
    if (this.idle) window.clearTimeout(this.idle);
    this.grey.clear();
    this.cams.clear();
    this.luts.clear();
  }

  private mapCam(): void {
    const cam = this.cam;
    this.camSlice = cam ? this.slices.map((s) => (s ? cam.sliceBySop.get(s.sopInstanceUid) : undefined)) : [];
  }

  private newSurface(width: number, height: number): Surface | null {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = context2d(canvas);
    if (!ctx) return null;
    return { canvas, ctx, image: ctx.createImageData(width, height) };
  }

  private lut(slice: SliceImage, window: WindowLevel): Lut {
    const wk = windowKey(window);
    if (wk !== this.lutWindow) {
      this.luts.clear();
      this.lutWindow = wk;
    }
    const key = lutKey(slice);
    let lut = this.luts.get(key);
    if (!lut) {
      lut = buildLut(typeRange(slice.pixels), slice.rescale, window, slice.invert);
      this.luts.set(key, lut);
    }
    return lut;
  }

  private greySurface(index: number, slice: SliceImage, window: WindowLevel): Surface | null {
    const wk = windowKey(window);
    let entry = this.grey.get(index);
    if (entry && entry.windowKey === wk) return entry.surface;
    if (!entry) {
      const surface = this.newSurface(slice.columns, slice.rows);
      if (!surface) return null;
      entry = { surface, windowKey: '' };
      this.grey.set(index, entry);
    }
    applyLut(slice.pixels, this.lut(slice, window), entry.surface.image.data);
    entry.surface.ctx.putImageData(entry.surface.image, 0, 0);
    entry.windowKey = wk;
    return entry.surface;
  }

  private camSurface(index: number, classIndex: number, slice: SliceImage): Surface | null {
    const cam = this.cam;
    const camIndex = this.camSlice[index];
    if (!cam || camIndex === undefined || classIndex < 0 || classIndex >= cam.classes) return null;
    const key = `${index}:${classIndex}`;
    let surface = this.cams.get(key);
    if (!surface) {
      const created = this.newSurface(slice.columns, slice.rows);
      if (!created) return null;
      camToRgba(upsampleCam(cam, camIndex, classIndex, slice.rows, slice.columns), created.image.data);
      created.ctx.putImageData(created.image, 0, 0);
      this.cams.set(key, created);
      surface = created;
    }
    return surface;
  }

  /**
   * While idle, prepare the grey (and CAM, when shown) images of the other slices, nearest first, in slices of at most
   * WARM_UP_BUDGET_MS so that drawing is never held up; continues until every slice is ready for the current view.
   */
  private scheduleWarmUp(delay = 50): void {
    if (this.idle || this.disposed) return;
    this.idle = window.setTimeout(() => {
      this.idle = 0;
      const state = this.state;
      if (!state || this.disposed) return;
      const started = now();
      let pending = false;
      for (let d = 1; d < this.slices.length; d++) {
        for (const i of [state.slice + d, state.slice - d]) {
          const slice = this.slices[i];
          if (!slice || this.isWarm(i, state)) continue;
          if (now() - started > WARM_UP_BUDGET_MS) {
            pending = true;
            break;
          }
          this.greySurface(i, slice, state.window);
          if (state.overlay) this.camSurface(i, state.classIndex, slice);
        }
        if (pending) break;
      }
      if (pending) this.scheduleWarmUp(16);
    }, delay);
  }

  private isWarm(index: number, state: ViewState): boolean {
    const grey = this.grey.get(index);
    if (!grey || grey.windowKey !== windowKey(state.window)) return false;
    return !state.overlay || !this.cam || this.camSlice[index] === undefined || this.cams.has(`${index}:${state.classIndex}`);
  }
}
