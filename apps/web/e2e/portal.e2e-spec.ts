/**
 * The clinician portal end to end, in Debian's Chromium (never a downloaded browser) against the real platform started
 * as `npm start` does: built API with embedded PostgreSQL, built-in OpenID provider and its sign-in page, an inference
 * worker beside it, and the built web app served at `/`. Needs `npm run build` first (`npm test` builds).
 *
 * One ordered flow: sign-in → upload → live worklist → viewer with CAM overlay (canvas pixels) → scrolling fps →
 * diagnosis → another hospital's clinician gets "not found" → an admin changes a user's role. Every step leaves a
 * screenshot in test-artifacts/portal/.
 */

import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  BUILT_PLATFORM_MAIN as MAIN,
  type BuiltPlatform,
  freePort,
  gql,
  makeSeries,
  signInWithPkce,
  startBuiltPlatform,
  stopBuiltPlatform,
} from '@cruciate/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const WEB_DIST = path.join(ROOT, 'apps/web/dist/index.html');
const ARTIFACTS = path.join(ROOT, 'test-artifacts/portal');
const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'cruciate-demo';
const CLINICIAN = 'clinician@general.test';
const NORTH_CLINICIAN = 'clinician@north.test';
const HOSPITAL_ADMIN = 'admin@general.test';
const SLICES = 16;
const MIN_FPS = 30;

// Browser globals used inside page.evaluate callbacks: this file is type-checked with the node test config (no DOM
// lib), so the little it touches in the page is declared here, for this module only.
interface ViewerStats {
  framesDrawn: number;
  lastFrameMs: number;
  totalFrameMs: number;
  lastFrameAt: number;
  slice: number;
  overlay: boolean;
  camDrawn: boolean;
}
interface PageElement {
  getAttribute(name: string): string | null;
  dispatchEvent(event: unknown): boolean;
}
interface PageCanvas extends PageElement {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}
interface StatusLog {
  loadedAt: number;
  statuses: string[];
}
declare const window: {
  __cruciateViewerStats?: ViewerStats;
  __portalE2e?: StatusLog;
  open(url: string, target: string): unknown;
  scrollTo(x: number, y: number): void;
};
declare const document: { body: unknown; querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): Iterable<PageElement> };
declare const MutationObserver: new (callback: () => void) => { observe(target: unknown, options: Record<string, unknown>): void };
declare const WheelEvent: new (type: string, init: Record<string, unknown>) => unknown;
declare function requestAnimationFrame(callback: () => void): number;

/** Rejects when `promise` takes longer than `ms` (so cleanup never hangs the run). */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: over ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function shot(page: Page, name: string): Promise<void> {
  // From the top: a full-page screenshot of a scrolled page draws the sticky shell header mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Pixels of the viewer canvas: non-black ones (the image) and coloured ones (r≠g or g≠b: only the CAM is coloured). */
function canvasPixels(page: Page): Promise<{ width: number; height: number; nonBlack: number; coloured: number }> {
  return page.evaluate(() => {
    const canvas = document.querySelector('canvas.viewer__canvas') as PageCanvas | null;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) throw new Error('no viewer canvas');
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let nonBlack = 0;
    let coloured = 0;
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i] ?? 0;
      const g = data[i + 1] ?? 0;
      const b = data[i + 2] ?? 0;
      if (r > 8 || g > 8 || b > 8) nonBlack++;
      if (r !== g || g !== b) coloured++;
    }
    return { width: canvas.width, height: canvas.height, nonBlack, coloured };
  });
}

function viewerStats(page: Page): Promise<ViewerStats> {
  return page.evaluate(() => {
    const s = window.__cruciateViewerStats;
    if (!s) throw new Error('window.__cruciateViewerStats is missing');
    return { ...s };
  });
}

async function sliceCounter(page: Page): Promise<string> {
  return (await page.getByTestId('slice-counter').textContent())?.trim() ?? '';
}

describe('clinician portal in Chromium against the real platform', { timeout: 180_000 }, () => {
  let dataDir = '';
  let dicomDir = '';
  let platform: BuiltPlatform | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const consoleLog: string[] = [];
  let base = '';
  let page: Page;
  let studyId = '';
  /** What the clinician's page received on its GraphQL websocket: worklistUpdated events, and whether it subscribed. */
  const worklistEvents: { studyId: string; status: string }[] = [];
  let worklistSubscribed = false;

  /** A fresh browser context (its own cookies and sessionStorage), logging console errors and page errors. */
  async function newPage(who: string): Promise<Page> {
    if (!browser) throw new Error('no browser');
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    contexts.push(context);
    context.setDefaultTimeout(30_000);
    context.setDefaultNavigationTimeout(30_000);
    context.on('page', (p) => {
      p.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') consoleLog.push(`[${who}] console.${m.type()}: ${m.text()}`);
      });
      p.on('pageerror', (e) => consoleLog.push(`[${who}] pageerror: ${e.message}`));
    });
    return context.newPage();
  }

  /** Signs in through the built-in provider's server-rendered sign-in page (it comes first on any portal URL). */
  async function signIn(p: Page, email: string, screenshot?: string): Promise<void> {
    await p.waitForURL(/\/oidc\/interaction\//);
    await p.locator('form input#email').waitFor();
    expect(await p.title()).toContain('Sign in');
    await p.fill('input#email', email);
    await p.fill('input#password', PASSWORD);
    if (screenshot) await shot(p, screenshot);
    await p.click('form button[type=submit]');
    await p.waitForURL((u) => u.origin === base && !u.pathname.startsWith('/oidc') && !u.pathname.startsWith('/auth/'), { timeout: 30_000 });
  }

  beforeAll(async () => {
    for (const file of [MAIN, WEB_DIST]) {
      if (!existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: \`npm test\` builds first; run \`npm run build\``);
    }
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (no downloaded browsers)`);
    await rm(ARTIFACTS, { recursive: true, force: true });
    await mkdir(ARTIFACTS, { recursive: true });

    // A fresh data directory the embedded PostgreSQL's unprivileged user can enter when the test runs as root.
    dataDir = await mkdtemp('/var/tmp/cruciate-portal-e2e-');
    await chmod(dataDir, 0o755);
    dicomDir = await mkdtemp('/var/tmp/cruciate-portal-dicom-');
    platform = await startBuiltPlatform({
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      DIMSE_PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(await freePort()),
      WORKER_HEALTH_PORT: String(await freePort()),
      START_WORKER: 'true',
      LOG_LEVEL: 'info',
    });
    base = platform.url;
    expect(new URL(base).hostname).toBe('127.0.0.1');

    // The bundled model is registered at start and active for the demo hospitals.
    const admin = await signInWithPkce(base, HOSPITAL_ADMIN, PASSWORD);
    const active = await gql<{ me: { hospital: { activeModelVersion: { name: string; version: string } | null } } }>(
      base,
      admin.accessToken,
      '{ me { hospital { activeModelVersion { name version } } } }',
    );
    const current = active.data?.me.hospital.activeModelVersion;
    expect(current?.name).toBe('acl-phantom-mrnet');
    process.stdout.write(`portal e2e: platform at ${base}; bundled model ${current?.name ?? ''} ${current?.version ?? ''}\n`);

    const series = makeSeries({ plane: 'sagittal', slices: SLICES, rows: 128, columns: 128 });
    await Promise.all(series.files.map((f, i) => writeFile(path.join(dicomDir, `slice-${String(i + 1).padStart(2, '0')}.dcm`), f)));

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 60_000,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
  }, 240_000);

  afterAll(async () => {
    for (const context of contexts) await within(context.close(), 15_000, 'closing a browser context').catch(() => undefined);
    if (browser) await within(browser.close(), 20_000, 'closing the browser').catch(() => undefined);
    if (platform) {
      await within(stopBuiltPlatform(platform), 60_000, 'stopping the platform').catch(() => undefined);
      await writeFile(path.join(ARTIFACTS, 'platform.log'), platform.output()).catch(() => undefined);
    }
    await writeFile(path.join(ARTIFACTS, 'browser-console.log'), consoleLog.join('\n') + '\n').catch(() => undefined);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (dicomDir) await rm(dicomDir, { recursive: true, force: true });
  }, 120_000);

  it('1. a clinician signs in through the real sign-in page and lands on the (empty) worklist', async () => {
    page = await newPage('clinician');
    page.on('websocket', (ws) => {
      ws.on('framesent', (f) => {
        if (typeof f.payload === 'string' && f.payload.includes('"subscribe"') && f.payload.includes('worklistUpdated')) worklistSubscribed = true;
      });
      ws.on('framereceived', (f) => {
        if (typeof f.payload !== 'string') return;
        try {
          const m = JSON.parse(f.payload) as { type?: string; payload?: { data?: { worklistUpdated?: { studyId: string; status: string } } } };
          const e = m.payload?.data?.worklistUpdated;
          if (m.type === 'next' && e) worklistEvents.push({ studyId: e.studyId, status: e.status });
        } catch {
          // Not JSON: not a graphql-ws message.
        }
      });
    });
    await page.goto(`${base}/`);
    await signIn(page, CLINICIAN, '01-sign-in-page');
    await page.getByRole('heading', { name: 'Worklist' }).waitFor();
    await page.getByText('No studies yet').waitFor();
    await page.locator('.live-indicator.live-live').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    // The worklist subscribed over the websocket (graphql-ws) before anything is uploaded.
    for (let i = 0; i < 100 && !worklistSubscribed; i++) await new Promise((r) => setTimeout(r, 100));
    expect(worklistSubscribed, 'the worklist page subscribed to worklistUpdated').toBe(true);
    await shot(page, '02-worklist-signed-in');
  });

  it('2. uploads a synthetic sagittal study from the upload page (in a second tab) and sees the summary', async () => {
    // Record every status the worklist rows show from now on; the marker also proves the page is never reloaded.
    await page.evaluate(() => {
      const log: StatusLog = { loadedAt: performance.now(), statuses: [] };
      window.__portalE2e = log;
      const record = (): void => {
        for (const row of document.querySelectorAll('[data-testid="worklist-row"]')) {
          const s = row.getAttribute('data-status') ?? '?';
          if (log.statuses[log.statuses.length - 1] !== s) log.statuses.push(s);
        }
      };
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
    });

    // window.open copies the tab's sessionStorage (where the tokens are), so the upload tab is signed in too.
    const [upload] = await Promise.all([
      page.context().waitForEvent('page'),
      page.evaluate(() => {
        window.open('/upload', '_blank');
      }),
    ]);
    upload.setDefaultTimeout(30_000);
    await upload.getByRole('heading', { name: 'Upload DICOM' }).waitFor();
    const files = Array.from({ length: SLICES }, (_, i) => path.join(dicomDir, `slice-${String(i + 1).padStart(2, '0')}.dcm`));
    await upload.locator('input[type=file]:not([webkitdirectory])').setInputFiles(files);
    await upload.getByTestId('upload-selection').getByText(`${SLICES} files selected`).waitFor();
    await upload.getByRole('button', { name: 'Upload', exact: true }).click();
    const summary = upload.locator('.upload-summary [role=status]');
    await summary.waitFor({ timeout: 60_000 });
    expect((await summary.textContent())?.trim()).toBe(`Stored ${SLICES} of ${SLICES} files in 1 study.`);
    expect(await upload.locator('table.failures').count()).toBe(0);
    await shot(upload, '03-upload-summary');
    await upload.close();
  });

  it('3. the worklist shows the new study and moves it to ANALYZED without reloading (subscription)', async () => {
    const row = page.locator('[data-testid="worklist-row"]');
    await row.first().waitFor({ timeout: 30_000 });
    // Done when analysed (or failed: then the assertion below says why).
    await page
      .locator('[data-testid="worklist-row"]:is([data-status="ANALYZED"],[data-status="FAILED"],[data-status="NOT_APPLICABLE"])')
      .waitFor({ timeout: 150_000 });
    expect(await row.count()).toBe(1);
    const status = await row.getAttribute('data-status');
    expect(status, `study ended ${status}: ${await row.textContent()}`).toBe('ANALYZED');
    expect((await row.getByTestId('study-status').textContent())?.trim()).toBe('Analyzed');
    const log = await page.evaluate(() => window.__portalE2e ?? null);
    expect(log, 'the worklist page was reloaded').not.toBeNull();
    expect(log?.statuses.at(-1)).toBe('ANALYZED');
    expect(await page.locator('.live-indicator.live-live').count(), 'still live: not the polling fallback').toBe(1);
    studyId = (await row.getAttribute('data-study-id')) ?? '';
    // The subscription carried the study through its states to this page.
    const received = worklistEvents.filter((e) => e.studyId === studyId).map((e) => e.status);
    process.stdout.write(`portal e2e: worklistUpdated events received: ${received.join(' → ')}; row statuses shown: ${log?.statuses.join(' → ')}\n`);
    expect(received.at(-1)).toBe('ANALYZED');
    expect(
      received.some((s) => s !== 'ANALYZED'),
      'an event before ANALYZED',
    ).toBe(true);
    expect(await row.locator('.ai-class-label').count()).toBe(1);
    expect(studyId).toMatch(/^[0-9a-f-]{36}$/);
    await shot(page, '04-worklist-analyzed');
  });

  it('4. opens the study: the canvas shows the image and the CAM overlay (pixels), toggled with "C"', async () => {
    await page.locator(`[data-study-id="${studyId}"] a.patient-key`).click();
    await page.waitForURL(`${base}/studies/${studyId}`);
    await page.locator('canvas.viewer__canvas').waitFor();
    // Every slice loaded (the presets need all of them) and a frame with the CAM drawn.
    await page.locator('[aria-label="Window presets"] button').first().waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => window.__cruciateViewerStats?.camDrawn === true && window.__cruciateViewerStats.overlay, undefined, { timeout: 30_000 });
    expect(await sliceCounter(page)).toMatch(new RegExp(`^Slice \\d+ / ${SLICES}$`));

    const on = await canvasPixels(page);
    expect({ width: on.width, height: on.height }).toEqual({ width: 128, height: 128 });
    const total = on.width * on.height;
    expect(on.nonBlack, 'the image is drawn').toBeGreaterThan(total * 0.1);
    expect(on.coloured, 'the CAM overlay is drawn').toBeGreaterThan(total * 0.01);
    await shot(page, '05-viewer-overlay-on');

    await page.locator('.viewer__stage').focus();
    const before = (await viewerStats(page)).framesDrawn;
    await page.keyboard.press('c');
    await page.waitForFunction((n) => (window.__cruciateViewerStats?.framesDrawn ?? 0) > n && window.__cruciateViewerStats?.overlay === false, before);
    const off = await canvasPixels(page);
    expect(off.nonBlack, 'the image is still drawn').toBeGreaterThan(total * 0.1);
    expect(off.coloured, 'no colour without the overlay').toBe(0);
    await shot(page, '06-viewer-overlay-off');
    process.stdout.write(
      `portal e2e: canvas ${on.width}x${on.height}: overlay on ${on.coloured} coloured / ${on.nonBlack} non-black px; off ${off.coloured} / ${off.nonBlack}\n`,
    );

    const again = (await viewerStats(page)).framesDrawn;
    await page.keyboard.press('C');
    await page.waitForFunction((n) => (window.__cruciateViewerStats?.framesDrawn ?? 0) > n && window.__cruciateViewerStats?.camDrawn === true, again);
    expect((await canvasPixels(page)).coloured).toBe(on.coloured);
  });

  it(`5. scrolls the slices (wheel, arrow keys) with the overlay on at >= ${MIN_FPS} frames per second`, async () => {
    const stage = page.locator('.viewer__stage');
    const box = await stage.boundingBox();
    if (!box) throw new Error('no viewer stage');
    // Real input first: the mouse wheel over the image and the arrow keys move one slice.
    await page.keyboard.press('Home');
    await page.getByTestId('slice-counter').getByText(`Slice 1 / ${SLICES}`).waitFor();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 100);
    await page.getByTestId('slice-counter').getByText(`Slice 2 / ${SLICES}`).waitFor();
    await page.mouse.wheel(0, 100);
    await page.getByTestId('slice-counter').getByText(`Slice 3 / ${SLICES}`).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.getByTestId('slice-counter').getByText(`Slice 5 / ${SLICES}`).waitFor();
    await page.keyboard.press('ArrowUp');
    await page.getByTestId('slice-counter').getByText(`Slice 4 / ${SLICES}`).waitFor();

    // Then 2 s of continuous scrolling, one wheel notch per animation frame, 8 slices down then 8 up (inside the series,
    // so every notch changes the slice): frames drawn per second from the viewer's own statistics.
    const result = await page.evaluate(async () => {
      const stageEl = document.querySelector('.viewer__stage');
      const s = window.__cruciateViewerStats;
      if (!stageEl || !s) throw new Error('no viewer');
      const f0 = s.framesDrawn;
      const ms0 = s.totalFrameMs;
      const t0 = performance.now();
      const slices = new Set<number>();
      let notches = 0;
      while (performance.now() - t0 < 2000) {
        const deltaY = Math.floor(notches / 8) % 2 ? -100 : 100;
        stageEl.dispatchEvent(new WheelEvent('wheel', { deltaY, bubbles: true, cancelable: true }));
        notches++;
        await new Promise<void>((r) => requestAnimationFrame(() => r()));
        slices.add(s.slice);
      }
      // Let the last notch draw.
      await new Promise<void>((r) => requestAnimationFrame(() => r()));
      const seconds = (performance.now() - t0) / 1000;
      const frames = s.framesDrawn - f0;
      return {
        fps: frames / seconds,
        frames,
        seconds,
        notches,
        meanFrameMs: (s.totalFrameMs - ms0) / Math.max(1, frames),
        distinctSlices: slices.size,
        overlay: s.overlay,
        camDrawn: s.camDrawn,
      };
    });
    process.stdout.write(
      `portal e2e: scrolling with the CAM overlay on: ${result.fps.toFixed(1)} fps (${result.frames} frames in ${result.seconds.toFixed(2)} s, ${result.notches} wheel notches, ${result.distinctSlices} slices, mean frame ${result.meanFrameMs.toFixed(2)} ms JS)\n`,
    );
    expect(result.overlay).toBe(true);
    expect(result.camDrawn).toBe(true);
    expect(result.distinctSlices).toBeGreaterThanOrEqual(8);
    expect(result.fps).toBeGreaterThanOrEqual(MIN_FPS);
    expect((await canvasPixels(page)).nonBlack).toBeGreaterThan(128 * 128 * 0.1);
    await shot(page, '07-viewer-after-scrolling');
  });

  it('6. confirms the AI suggestion (pre-selected), signs, and sees REVIEWED on the study and the worklist', async () => {
    const aiChoice = page.locator('.dx-label:has(.dx-ai-tag) input[type=radio]');
    expect(await aiChoice.count()).toBe(1);
    expect(await aiChoice.isChecked()).toBe(true);
    expect(await page.locator('.dx-label input[type=radio]:checked').count()).toBe(1);
    await page.getByTestId('dx-agreement').getByText('Agrees with the AI').waitFor();
    await page.locator('.dx-note textarea').fill('Portal e2e: agrees with the AI suggestion.');
    await page.getByRole('button', { name: 'Sign diagnosis' }).click();
    await page.getByRole('article', { name: 'Your signed diagnosis' }).waitFor({ timeout: 30_000 });
    await page.locator('.study-header [data-testid="study-status"]').getByText('REVIEWED', { exact: true }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('article', { name: 'Your signed diagnosis' }).textContent()).toContain('Agreed with the AI');
    await shot(page, '08-study-reviewed');

    await page.locator('.study-header').getByRole('link', { name: 'Back to the worklist' }).click();
    const row = page.locator(`[data-testid="worklist-row"][data-study-id="${studyId}"]`);
    await page.locator(`[data-testid="worklist-row"][data-study-id="${studyId}"][data-status="REVIEWED"]`).waitFor({ timeout: 30_000 });
    expect((await row.getByTestId('study-status').textContent())?.trim()).toBe('Reviewed');
    expect(await row.locator('.review-done').textContent()).toBe('Reviewed');
    await shot(page, '09-worklist-reviewed');
  });

  it("7. the other hospital's clinician opening that study's URL gets 'not found'", async () => {
    const north = await newPage('north clinician');
    await north.goto(`${base}/studies/${studyId}`);
    await signIn(north, NORTH_CLINICIAN);
    // Back at the URL it asked for.
    expect(new URL(north.url()).pathname).toBe(`/studies/${studyId}`);
    await north.getByRole('heading', { name: 'Study not found' }).waitFor({ timeout: 30_000 });
    expect(await north.locator('main, body').first().textContent()).toMatch(/not found/i);
    expect(await north.locator('canvas.viewer__canvas').count()).toBe(0);
    await shot(north, '10-north-clinician-not-found');
  });

  it('8. the hospital admin gives the clinician the INTEGRATOR role; it shows after a reload and in the API', async () => {
    const admin = await newPage('hospital admin');
    await admin.goto(`${base}/`);
    await signIn(admin, HOSPITAL_ADMIN);
    await admin.waitForURL(`${base}/admin`);
    await admin.getByRole('heading', { name: 'Hospital admin' }).waitFor();
    const integrator = admin.getByRole('checkbox', { name: `Integrator (${CLINICIAN})` });
    const clinicianRole = admin.getByRole('checkbox', { name: `Clinician (${CLINICIAN})` });
    await integrator.waitFor();
    expect(await clinicianRole.isChecked()).toBe(true);
    expect(await integrator.isChecked()).toBe(false);
    await integrator.check();
    await admin.getByRole('button', { name: `Save roles for ${CLINICIAN}` }).click();
    const userRow = admin.locator('[data-testid="user-row"]', { hasText: CLINICIAN });
    await userRow.getByText('Saved').waitFor({ timeout: 30_000 });
    await shot(admin, '11-admin-role-saved');

    await admin.reload();
    await integrator.waitFor({ timeout: 30_000 });
    expect(await integrator.isChecked()).toBe(true);
    expect(await clinicianRole.isChecked()).toBe(true);
    await shot(admin, '12-admin-after-reload');

    const { accessToken } = await signInWithPkce(base, HOSPITAL_ADMIN, PASSWORD);
    const users = await gql<{ hospitalUsers: { edges: { node: { email: string; roles: string[] } }[] } }>(
      base,
      accessToken,
      '{ hospitalUsers(first: 100) { edges { node { email roles } } } }',
    );
    const clinician = users.data?.hospitalUsers.edges.find((e) => e.node.email === CLINICIAN)?.node;
    expect([...(clinician?.roles ?? [])].sort()).toEqual(['CLINICIAN', 'INTEGRATOR']);
  });
});
