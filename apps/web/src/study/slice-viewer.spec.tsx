import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CamVolume, toCamVolume } from './cam.js';
import type { SliceImage } from './series-loader.js';
import { SliceViewer } from './slice-viewer.js';
import { viewerStats } from './viewer-renderer.js';

/** What a fake 2D context did: enough to tell what the viewer drew (jsdom has no canvas). */
interface DrawOp {
  readonly target: HTMLCanvasElement;
  readonly source: HTMLCanvasElement;
  readonly alpha: number;
}

const drawn: DrawOp[] = [];
const pixelsOf = new WeakMap<HTMLCanvasElement, Uint8ClampedArray>();

function fakeContext(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = {
    globalAlpha: 1,
    createImageData: (w: number, h: number) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4) }),
    putImageData: (image: ImageData) => pixelsOf.set(canvas, Uint8ClampedArray.from(image.data)),
    drawImage: (source: HTMLCanvasElement) => drawn.push({ target: canvas, source, alpha: ctx.globalAlpha }),
    clearRect: () => undefined,
  };
  return ctx as unknown as CanvasRenderingContext2D;
}

const SIZE = 8;

function slice(i: number): SliceImage {
  return {
    sopInstanceUid: `1.9.${i}`,
    instanceNumber: i + 1,
    rows: SIZE,
    columns: SIZE,
    pixels: Uint16Array.from({ length: SIZE * SIZE }, (_, k) => (k * 16 + i * 10) % 1024),
    rescale: { slope: 1, intercept: 0 },
    window: { center: 512, width: 1024 },
    invert: false,
    source: 'frames',
  };
}

const LABELS = ['healthy', 'complete_rupture'];

function cam(slices: number): CamVolume {
  const data: number[] = [];
  // healthy: weak everywhere (transparent); complete_rupture: strong, rising with the slice.
  for (let s = 0; s < slices; s++) for (let c = 0; c < 2; c++) data.push(...(c === 0 ? [0.05, 0.05, 0.05, 0.05] : [0.5 + s * 0.1, 0.9, 0.9, 0.9]));
  return toCamVolume({ labels: LABELS, shape: [slices, 2, 2, 2], data, sliceSopInstanceUids: Array.from({ length: slices }, (_, i) => `1.9.${i}`) });
}

function mainCanvas(): HTMLCanvasElement {
  return screen.getByRole<HTMLCanvasElement>('img', { name: /Sagittal slice/ });
}

/** The draw ops of the next frame on the visible canvas. */
async function nextFrame(action: () => void): Promise<DrawOp[]> {
  const stats = viewerStats();
  const before = stats.framesDrawn;
  drawn.length = 0;
  act(action);
  await waitFor(() => expect(stats.framesDrawn).toBeGreaterThan(before));
  return drawn.filter((d) => d.target === mainCanvas());
}

function alphaSum(canvas: HTMLCanvasElement): number {
  const px = pixelsOf.get(canvas);
  let sum = 0;
  for (let i = 3; i < (px?.length ?? 0); i += 4) sum += px![i]!;
  return sum;
}

function renderViewer(props: Partial<Parameters<typeof SliceViewer>[0]> = {}) {
  const slices = Array.from({ length: 24 }, (_, i) => slice(i));
  return render(<SliceViewer slices={slices} cam={cam(24)} camLabels={LABELS} predictedClass="complete_rupture" keySliceIndex={6} {...props} />);
}

beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (this: HTMLCanvasElement) {
    return fakeContext(this);
  });
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('SliceViewer', () => {
  it('opens on the key slice and scrolls with the wheel and keys', () => {
    renderViewer();
    const counter = screen.getByTestId('slice-counter');
    expect(counter).toHaveProperty('textContent', 'Slice 7 / 24');
    expect(screen.getByText('Key slice')).toBeTruthy();
    const stage = screen.getByRole('group', { name: /scroll or use arrow keys/ });

    fireEvent.wheel(stage, { deltaY: 100 });
    expect(counter.textContent).toBe('Slice 8 / 24');
    fireEvent.wheel(stage, { deltaY: -100 });
    fireEvent.wheel(stage, { deltaY: -100 });
    expect(counter.textContent).toBe('Slice 6 / 24');
    // Trackpad: small deltas accumulate to one slice.
    fireEvent.wheel(stage, { deltaY: 20 });
    fireEvent.wheel(stage, { deltaY: 20 });
    expect(counter.textContent).toBe('Slice 6 / 24');
    fireEvent.wheel(stage, { deltaY: 20 });
    expect(counter.textContent).toBe('Slice 7 / 24');

    fireEvent.keyDown(stage, { key: 'ArrowDown' });
    expect(counter.textContent).toBe('Slice 8 / 24');
    fireEvent.keyDown(stage, { key: 'ArrowUp' });
    fireEvent.keyDown(stage, { key: 'ArrowUp' });
    expect(counter.textContent).toBe('Slice 6 / 24');
    fireEvent.keyDown(stage, { key: 'PageDown' });
    expect(counter.textContent).toBe('Slice 11 / 24');
    fireEvent.keyDown(stage, { key: 'PageUp' });
    fireEvent.keyDown(stage, { key: 'PageUp' });
    fireEvent.keyDown(stage, { key: 'PageUp' });
    expect(counter.textContent).toBe('Slice 1 / 24');
    fireEvent.keyDown(stage, { key: 'End' });
    expect(counter.textContent).toBe('Slice 24 / 24');
    fireEvent.wheel(stage, { deltaY: 100 });
    expect(counter.textContent).toBe('Slice 24 / 24');

    fireEvent.keyDown(stage, { key: 'k' });
    expect(counter.textContent).toBe('Slice 7 / 24');
    fireEvent.keyDown(stage, { key: 'Home' });
    fireEvent.click(screen.getByRole('button', { name: 'Jump to key slice' }));
    expect(counter.textContent).toBe('Slice 7 / 24');
  });

  it('adjusts window/level by mouse drag and by presets', () => {
    renderViewer();
    const readout = screen.getByTestId('window-readout');
    expect(readout.textContent).toBe('W 1024 / L 512');
    const canvas = mainCanvas();
    fireEvent.mouseDown(canvas, { button: 0, clientX: 100, clientY: 100 });
    // Range 0..1023 -> about 2 units per pixel: 50 px right widens by ~100, 25 px down raises the level by ~50.
    fireEvent.mouseMove(document, { clientX: 150, clientY: 125 });
    fireEvent.mouseUp(document);
    const dragged = readout.textContent;
    expect(dragged).toMatch(/^W 11\d\d \/ L 5[56]\d$/);
    // After mouseup, moving does nothing.
    fireEvent.mouseMove(document, { clientX: 400, clientY: 400 });
    expect(readout.textContent).toBe(dragged);

    const presets = screen.getByRole('group', { name: 'Window presets' });
    const full = screen.getByRole('button', { name: 'Full range' });
    expect(presets.contains(full)).toBe(true);
    fireEvent.click(full);
    expect(full.getAttribute('aria-pressed')).toBe('true');
    // Stored values 0..1022 (even numbers).
    expect(readout.textContent).toBe('W 1023 / L 512');
    fireEvent.click(screen.getByRole('button', { name: 'Soft tissue' }));
    expect(readout.textContent).toMatch(/^W [4-9]\d\d \//);
    fireEvent.click(screen.getByRole('button', { name: 'Default' }));
    expect(readout.textContent).toBe('W 1024 / L 512');
  });

  it('draws the CAM over the image with the chosen opacity and class, and toggles it with C', async () => {
    renderViewer();
    const stage = screen.getByRole('group', { name: /scroll or use arrow keys/ });
    let ops = await nextFrame(() => fireEvent.keyDown(stage, { key: 'ArrowDown' }));
    expect(ops).toHaveLength(2);
    expect(ops[0]!.alpha).toBe(1);
    expect(ops[1]!.alpha).toBe(0.5);
    expect(viewerStats().camDrawn).toBe(true);
    const ruptureCam = ops[1]!.source;
    expect(alphaSum(ruptureCam)).toBeGreaterThan(0);

    ops = await nextFrame(() => fireEvent.change(screen.getByRole('slider', { name: /Opacity/ }), { target: { value: '80' } }));
    expect(ops[1]!.alpha).toBe(0.8);
    expect(screen.getByText('80%')).toBeTruthy();

    ops = await nextFrame(() => fireEvent.change(screen.getByRole('combobox', { name: /Class/ }), { target: { value: 'healthy' } }));
    expect(ops[1]!.source).not.toBe(ruptureCam);
    // The healthy map is below the transparency threshold everywhere.
    expect(alphaSum(ops[1]!.source)).toBe(0);
    expect(screen.getByText(/evidence for Healthy/)).toBeTruthy();

    ops = await nextFrame(() => fireEvent.keyDown(stage, { key: 'c' }));
    expect(ops).toHaveLength(1);
    expect(viewerStats().camDrawn).toBe(false);
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: 'Show overlay' }).checked).toBe(false);

    ops = await nextFrame(() => fireEvent.click(screen.getByRole('checkbox', { name: 'Show overlay' })));
    expect(ops).toHaveLength(2);
  });

  it('upsamples the CAM once per slice and class (cached while scrolling back and forth)', async () => {
    renderViewer();
    const stage = screen.getByRole('group', { name: /scroll or use arrow keys/ });
    const first = (await nextFrame(() => fireEvent.keyDown(stage, { key: 'ArrowDown' })))[1]!.source;
    await nextFrame(() => fireEvent.keyDown(stage, { key: 'ArrowDown' }));
    const back = (await nextFrame(() => fireEvent.keyDown(stage, { key: 'ArrowUp' })))[1]!.source;
    expect(back).toBe(first);
  });

  it('works without a CAM and without a canvas context', () => {
    vi.restoreAllMocks();
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    renderViewer({ cam: null, camLabels: [], predictedClass: null, keySliceIndex: null, camMessage: 'No AI finding for this series yet.' });
    expect(screen.getByTestId('slice-counter').textContent).toBe('Slice 13 / 24');
    expect(screen.getByRole('button', { name: 'Jump to key slice' })).toHaveProperty('disabled', true);
    expect(screen.getByRole('checkbox', { name: 'Show overlay' }).matches(':disabled')).toBe(true);
    expect(screen.getByText('No AI finding for this series yet.')).toBeTruthy();
    fireEvent.keyDown(screen.getByRole('group', { name: /scroll or use arrow keys/ }), { key: 'ArrowDown' });
    expect(screen.getByTestId('slice-counter').textContent).toBe('Slice 14 / 24');
  });

  it('shows slices still loading and offers presets once all have arrived', () => {
    const slices = Array.from({ length: 4 }, (_, i) => (i === 0 ? slice(0) : undefined));
    const { rerender } = render(<SliceViewer slices={slices} cam={null} camLabels={[]} predictedClass={null} keySliceIndex={null} />);
    expect(screen.getByText('Loading slice…')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Full range' })).toBeNull();
    rerender(<SliceViewer slices={slices.map((_, i) => slice(i))} cam={null} camLabels={[]} predictedClass={null} keySliceIndex={null} />);
    expect(screen.queryByText('Loading slice…')).toBeNull();
    expect(screen.getByRole('button', { name: 'Full range' })).toBeTruthy();
  });
});
