import { act, cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEMO_MODEL, FakeGraphql, graphqlError, renderWithProviders } from '../testing/fake-graphql.js';
import { clearSeriesCache } from './series-loader.js';
import { StudyPage } from './study-page.js';

const STUDY_UID = '1.2.826.0.1.1';
const SERIES_UID = '1.2.826.0.1.1.2';
const SOPS = ['1.2.826.0.1.1.2.1', '1.2.826.0.1.1.2.2', '1.2.826.0.1.1.2.3'];
const LABELS = ['healthy', 'minor_strain', 'partial_rupture', 'complete_rupture'];

function finding() {
  return {
    __typename: 'Finding',
    id: 'finding-1',
    seriesInstanceUid: SERIES_UID,
    predictedClass: 'partial_rupture',
    pUnhealthy: 0.82,
    keySliceIndex: 1,
    camUrl: '/api/findings/finding-1/cam',
    executionProvider: 'cpu',
    createdAt: '2026-11-27T09:00:00.000Z',
    probabilities: [0.18, 0.12, 0.6, 0.1].map((probability, i) => ({ __typename: 'LabelProbability', label: LABELS[i], probability })),
    // Model order differs from instance numbers: the viewer follows the model.
    slices: [SOPS[2], SOPS[0], SOPS[1]].map((sop, index) => ({ __typename: 'FindingSlice', index, sopInstanceUid: sop, instanceNumber: index + 1 })),
    timings: { __typename: 'FindingTimings', queueWaitMs: 12, readMs: 5, decodeMs: 30, preprocessMs: 8, inferenceMs: 140, camMs: 6, totalMs: 210 },
    modelVersion: DEMO_MODEL,
  };
}

function study(overrides: Record<string, unknown> = {}) {
  return {
    __typename: 'Study',
    id: 'study-1',
    studyInstanceUid: STUDY_UID,
    status: 'ANALYZED',
    statusReason: null,
    aiClass: 'partial_rupture',
    pUnhealthy: 0.82,
    studyDate: '2026-11-20',
    description: 'MR knee',
    patient: { __typename: 'Patient', key: 'a1b2c3d4e5f60718', sex: 'F', birthYear: 1984 },
    series: [
      {
        __typename: 'Series',
        id: 'series-1',
        seriesInstanceUid: SERIES_UID,
        description: 'SAG PD FS',
        plane: 'SAGITTAL',
        instanceCount: 3,
        selectedForInference: true,
        finding: { __typename: 'Finding', id: 'finding-1' },
      },
    ],
    findings: [finding()],
    diagnoses: [],
    ...overrides,
  };
}

function instanceJson(sop: string, n: number) {
  return {
    '00080018': { vr: 'UI', Value: [sop] },
    '00200013': { vr: 'IS', Value: [n] },
    '00280010': { vr: 'US', Value: [2] },
    '00280011': { vr: 'US', Value: [2] },
    '00280100': { vr: 'US', Value: [16] },
    '00281050': { vr: 'DS', Value: ['300'] },
    '00281051': { vr: 'DS', Value: ['600'] },
  };
}

function frame(): Response {
  const enc = new TextEncoder();
  const head = enc.encode('--b\r\nContent-Type: application/octet-stream\r\n\r\n');
  const px = new Uint8Array(new Uint16Array([0, 200, 400, 600]).buffer);
  const tail = enc.encode('\r\n--b--\r\n');
  const body = new Uint8Array(head.length + px.length + tail.length);
  body.set(head, 0);
  body.set(px, head.length);
  body.set(tail, head.length + px.length);
  return new Response(body, { headers: { 'content-type': 'multipart/related; type="application/octet-stream"; boundary=b' } });
}

const fetchMock = vi.fn((url: string): Promise<Response> => Promise.resolve(respond(url)));

function respond(url: string): Response {
  if (url.endsWith('/metadata')) return Response.json(SOPS.map((sop, i) => instanceJson(sop, i + 1)));
  if (url.endsWith('/frames/1')) return frame();
  if (url.endsWith('/cam'))
    return Response.json({
      findingId: 'finding-1',
      labels: LABELS,
      shape: [3, 4, 1, 1],
      keySliceIndex: 1,
      sliceSopInstanceUids: [SOPS[2], SOPS[0], SOPS[1]],
      data: Array(12).fill(0.5),
    });
  return new Response(null, { status: 404 });
}

beforeEach(() => {
  vi.stubGlobal('fetch', fetchMock);
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  fetchMock.mockClear();
  clearSeriesCache();
});

describe('StudyPage', () => {
  it('shows the header, the AI finding, the viewer on the key slice and the diagnosis form', async () => {
    const fake = new FakeGraphql({ StudyPage: () => ({ data: { study: study() } }) });
    renderWithProviders(<StudyPage studyId="study-1" />, { fake });

    expect(await screen.findByRole('heading', { name: /Study patient a1b2c3d4e5f60718/ })).toBeTruthy();
    expect(fake.lastCall('StudyPage')?.variables).toEqual({ id: 'study-1' });
    expect(screen.getByTestId('study-status').textContent).toBe('ANALYZED');
    expect(screen.getByText('2026-11-20')).toBeTruthy();
    expect(screen.getByTestId('not-for-clinical-use').textContent).toBe('Research/demo model — not for clinical use');

    // AI panel: P(unhealthy) and a bar per class.
    expect(screen.getByRole('meter', { name: 'P(unhealthy)' }).getAttribute('aria-valuetext')).toBe('82.0%');
    expect(screen.getByRole('meter', { name: 'Partial rupture' }).getAttribute('aria-valuenow')).toBe('60');
    expect(screen.getByText('research/demo, not for clinical use')).toBeTruthy();
    expect(screen.getByText('140 ms')).toBeTruthy();

    // Viewer: pixels and CAM fetched with the bearer token; opens on the key slice.
    await waitFor(() => expect(screen.getByTestId('slice-counter').textContent).toBe('Slice 2 / 3'));
    expect(screen.getByTestId('window-readout').textContent).toBe('W 600 / L 300');
    const urls = fetchMock.mock.calls.map(([u]) => u);
    expect(urls).toContain(`/dicomweb/studies/${STUDY_UID}/series/${SERIES_UID}/metadata`);
    expect(urls).toContain(`/dicomweb/studies/${STUDY_UID}/series/${SERIES_UID}/instances/${SOPS[0]}/frames/1`);
    expect(urls).toContain('/api/findings/finding-1/cam');
    for (const call of fetchMock.mock.calls as unknown as [string, RequestInit][]) {
      expect(new Headers(call[1].headers).get('authorization')).toBe('Bearer test-token');
    }
    await waitFor(() => expect(screen.getByRole('checkbox', { name: 'Show overlay' }).matches(':disabled')).toBe(false));

    // Diagnosis: the AI suggestion pre-selected.
    expect(screen.getByRole<HTMLInputElement>('radio', { name: /Partial rupture/ }).checked).toBe(true);
  });

  it('says "Study not found" for another hospital\'s study', async () => {
    const fake = new FakeGraphql({ StudyPage: () => graphqlError('NOT_FOUND', 'study not found') });
    renderWithProviders(<StudyPage studyId="other" />, { fake });
    expect(await screen.findByRole('heading', { name: 'Study not found' })).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('reads the study again when it changes, so a finding that arrives while open is shown', async () => {
    let current = study({ status: 'ANALYZING', aiClass: null, pUnhealthy: null, findings: [], series: [{ ...study().series[0], finding: null }] });
    const fake = new FakeGraphql({ StudyPage: () => ({ data: { study: current } }) });
    renderWithProviders(<StudyPage studyId="study-1" />, { fake });
    expect(await screen.findByText(/has not analysed this study yet/)).toBeTruthy();
    await waitFor(() => expect(fake.hasSubscriber('StudyPageUpdated')).toBe(true));
    expect(fake.lastCall('StudyPageUpdated')?.variables).toEqual({ id: 'study-1' });

    current = study();
    act(() => fake.push('StudyPageUpdated', { studyUpdated: { __typename: 'StudyEvent', studyId: 'study-1', status: 'ANALYZED' } }));
    await waitFor(() => expect(screen.getByTestId('study-status').textContent).toBe('ANALYZED'));
    expect(await screen.findByRole('meter', { name: 'P(unhealthy)' })).toBeTruthy();
    expect(fake.calls('StudyPage').length).toBeGreaterThanOrEqual(2);
  });

  it('refreshes the study after signing (REVIEWED)', async () => {
    let current = study();
    const signed = {
      __typename: 'Diagnosis',
      id: 'dx-1',
      label: 'partial_rupture',
      note: null,
      agreesWithAi: true,
      findingId: 'finding-1',
      signedAt: '2026-11-27T10:00:00.000Z',
      amendsId: null,
      amendedById: null,
      reader: { __typename: 'DiagnosisReader', id: 'user-1', displayName: 'Dr Clinician' },
    };
    const fake = new FakeGraphql({
      StudyPage: () => ({ data: { study: current } }),
      ConfirmDiagnosis: () => {
        current = study({ status: 'REVIEWED', diagnoses: [signed] });
        return { data: { confirmDiagnosis: signed } };
      },
    });
    renderWithProviders(<StudyPage studyId="study-1" />, { fake });
    (await screen.findByRole('button', { name: 'Sign diagnosis' })).click();
    await waitFor(() => expect(screen.getByTestId('study-status').textContent).toBe('REVIEWED'));
    expect(fake.lastCall('ConfirmDiagnosis')?.variables).toEqual({ input: { studyId: 'study-1', label: 'partial_rupture', note: null } });
    expect(screen.getByRole('article', { name: 'Your signed diagnosis' }).textContent).toContain('Signed by Dr Clinician');
  });
});
