import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeGraphql, renderWithProviders } from '../testing/fake-graphql.js';
import { POLL_INTERVAL_MS } from './use-live-worklist.js';
import { REFETCH_DEBOUNCE_MS, WorklistPage } from './worklist-page.js';

function study(id: string, overrides: Record<string, unknown> = {}) {
  return {
    __typename: 'Study',
    id,
    patient: { __typename: 'Patient', key: `key${id.padStart(13, '0')}` },
    studyDate: '2024-03-01',
    receivedAt: '2024-03-02T10:00:00Z',
    description: 'MRI KNEE',
    modalities: ['MR'],
    seriesCount: 3,
    status: 'ANALYZED',
    statusReason: null,
    priority: 0.5,
    aiClass: 'partial_rupture',
    pUnhealthy: 0.72,
    analyzedAt: '2024-03-02T10:01:00Z',
    ...overrides,
  };
}

function page(studies: ReturnType<typeof study>[], hasNextPage = false) {
  return {
    data: {
      studies: {
        __typename: 'StudyConnection',
        edges: studies.map((s) => ({ __typename: 'StudyEdge', cursor: `c-${s.id}`, node: s })),
        pageInfo: { __typename: 'PageInfo', endCursor: studies.length ? `c-${studies.at(-1)!.id}` : null, hasNextPage },
      },
    },
  };
}

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('WorklistPage', () => {
  it('shows the studies in PRIORITY DESC order by default, with status, AI class, P(unhealthy) and review status', async () => {
    const fake = new FakeGraphql({
      Worklist: () =>
        page([
          study('1', { aiClass: 'complete_rupture', pUnhealthy: 0.97, priority: 0.97 }),
          study('2', { status: 'FAILED', statusReason: 'no sagittal series found', aiClass: null, pUnhealthy: null, analyzedAt: null }),
          study('3', { status: 'REVIEWED', aiClass: 'healthy', pUnhealthy: 0.04 }),
        ]),
    });
    renderWithProviders(<WorklistPage />, { fake });

    const table = await screen.findByRole('table', { name: 'Worklist' });
    const rows = within(table).getAllByTestId('worklist-row');
    expect(rows.map((r) => r.dataset['studyId'])).toEqual(['1', '2', '3']);
    expect(fake.calls('Worklist')[0]!.variables).toEqual({ first: 25, after: null, filter: {}, orderBy: { field: 'PRIORITY', direction: 'DESC' } });

    expect(within(rows[0]!).getByText('key0000000000001')).toBeTruthy();
    expect(within(rows[0]!).getByText('2024-03-01')).toBeTruthy();
    expect(within(rows[0]!).getByText('3')).toBeTruthy();
    expect(within(rows[0]!).getByTestId('study-status').textContent).toBe('Analyzed');
    expect(within(rows[0]!).getByText('complete rupture')).toBeTruthy();
    expect(within(rows[0]!).getByRole('meter', { name: 'P(unhealthy) for key0000000000001' }).getAttribute('aria-valuenow')).toBe('97');
    expect(within(rows[0]!).getByText('Not reviewed')).toBeTruthy();

    expect(rows[1]!.dataset['status']).toBe('FAILED');
    expect(within(rows[1]!).getByTestId('study-status').textContent).toBe('Failed');
    expect(within(rows[1]!).getByText('no sagittal series found')).toBeTruthy();

    expect(within(rows[2]!).getByText('Reviewed', { selector: '.review-done' })).toBeTruthy();
  });

  it('sends the filters and the order as query variables, and pages with cursors', async () => {
    const user = userEvent.setup();
    const fake = new FakeGraphql({ Worklist: (op) => (op.variables['after'] ? page([study('26')]) : page([study('1')], true)) });
    renderWithProviders(<WorklistPage />, { fake });
    await screen.findByRole('table', { name: 'Worklist' });

    await user.selectOptions(screen.getByLabelText('Status'), 'FAILED');
    await waitFor(() => expect(fake.lastCall('Worklist')!.variables['filter']).toEqual({ status: ['FAILED'] }));

    await user.selectOptions(screen.getByLabelText('AI class'), 'complete_rupture');
    await user.type(screen.getByLabelText('Study date from'), '2024-01-01');
    await user.type(screen.getByLabelText('Study date to'), '2024-12-31');
    await user.selectOptions(screen.getByLabelText('Order'), 'STUDY_DATE_DESC');
    await waitFor(() =>
      expect(fake.lastCall('Worklist')!.variables).toEqual({
        first: 25,
        after: null,
        filter: { status: ['FAILED'], aiClass: ['complete_rupture'], dateFrom: '2024-01-01', dateTo: '2024-12-31' },
        orderBy: { field: 'STUDY_DATE', direction: 'DESC' },
      }),
    );
    expect(screen.getByTestId('location').textContent).toContain('status=FAILED');

    await user.click(await screen.findByRole('button', { name: 'Next page' }));
    await waitFor(() => expect(fake.lastCall('Worklist')!.variables['after']).toBe('c-1'));
    expect(await screen.findByText('key0000000000026')).toBeTruthy();
    expect(screen.getByText('Page 2')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(fake.lastCall('Worklist')!.variables).toMatchObject({ after: null, filter: {} }));
  });

  it('applies worklistUpdated events without a reload: the row changes at once, new studies arrive by refetch', async () => {
    let studies = [study('1', { status: 'ANALYZING', aiClass: null, pUnhealthy: null })];
    const fake = new FakeGraphql({ Worklist: () => page(studies) });
    renderWithProviders(<WorklistPage />, { fake });
    const table = await screen.findByRole('table', { name: 'Worklist' });
    await waitFor(() => expect(fake.hasSubscriber('WorklistUpdated')).toBe(true));
    const before = fake.calls('Worklist').length;

    const analyzed = study('1', { status: 'ANALYZED', aiClass: 'complete_rupture', pUnhealthy: 0.91 });
    act(() => fake.push('WorklistUpdated', { worklistUpdated: { __typename: 'StudyEvent', studyId: '1', status: 'ANALYZED', study: analyzed } }));
    await waitFor(() => expect(within(table).getByTestId('study-status').textContent).toBe('Analyzed'));
    expect(within(table).getByText('complete rupture')).toBeTruthy();

    // A study the page has not seen: the event is followed by a refetch of the page.
    studies = [study('2', { priority: 0.99, status: 'QUEUED', aiClass: null, pUnhealthy: null }), analyzed];
    act(() => fake.push('WorklistUpdated', { worklistUpdated: { __typename: 'StudyEvent', studyId: '2', status: 'QUEUED', study: studies[0] } }));
    await waitFor(() => expect(screen.getAllByTestId('worklist-row').map((r) => r.dataset['studyId'])).toEqual(['2', '1']), {
      timeout: REFETCH_DEBOUNCE_MS + 2000,
    });
    expect(fake.calls('Worklist').length).toBeGreaterThan(before);
    expect(screen.getByText('Live')).toBeTruthy();
  });

  it('polls every 5 s when the subscription fails', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const fake = new FakeGraphql({ Worklist: () => page([study('1')]) });
    renderWithProviders(<WorklistPage />, { fake });
    await screen.findByRole('table', { name: 'Worklist' });
    await waitFor(() => expect(fake.hasSubscriber('WorklistUpdated')).toBe(true));

    act(() => fake.failSubscriptions('WorklistUpdated'));
    expect(await screen.findByText('Live updates unavailable: refreshing every 5 s')).toBeTruthy();
    const before = fake.calls('Worklist').length;
    await act(() => vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 2 + 100));
    expect(fake.calls('Worklist').length).toBeGreaterThanOrEqual(before + 2);
  });

  it('opens the study when a row is clicked', async () => {
    const user = userEvent.setup();
    const fake = new FakeGraphql({ Worklist: () => page([study('42')]) });
    renderWithProviders(<WorklistPage />, { fake });
    await user.click(await screen.findByText('MRI KNEE'));
    expect(screen.getByTestId('location').textContent).toBe('/studies/42');
  });

  it('has empty and error states', async () => {
    const fake = new FakeGraphql({ Worklist: () => page([]) });
    renderWithProviders(<WorklistPage />, { fake });
    expect(await screen.findByText('No studies yet. Studies appear here as they arrive.')).toBeTruthy();
    cleanup();

    const failing = new FakeGraphql({
      Worklist: () => ({ data: null, errors: [{ message: 'database unavailable', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }),
    });
    renderWithProviders(<WorklistPage />, { fake: failing });
    expect((await screen.findByRole('alert')).textContent).toContain('database unavailable');
  });
});
