import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeFragmentData } from '../gql/index.js';
import { FakeGraphql, graphqlError, renderWithProviders, type FakeResult } from '../testing/fake-graphql.js';
import { DiagnosisPanel, DiagnosisPanelStudyFragment, type SignedDiagnosis } from './diagnosis-panel.js';

const LABELS = ['healthy', 'minor_strain', 'partial_rupture', 'complete_rupture'];
const ME = { __typename: 'DiagnosisReader' as const, id: 'user-1', displayName: 'Dr Ada Reader' };
const OTHER = { __typename: 'DiagnosisReader' as const, id: 'user-2', displayName: 'Dr Second' };
const FINDING = { id: 'finding-1', predictedClass: 'partial_rupture' };

type Dx = SignedDiagnosis & { readonly __typename?: 'Diagnosis' };

function diagnosis(overrides: Partial<Dx> = {}): Dx {
  return {
    __typename: 'Diagnosis',
    id: 'dx-1',
    label: 'partial_rupture',
    note: 'Fibres partly torn',
    agreesWithAi: true,
    findingId: 'finding-1',
    signedAt: '2026-11-27T10:15:00.000Z',
    amendsId: null,
    amendedById: null,
    reader: ME,
    ...overrides,
  };
}

function study(diagnoses: Dx[] = [], status = 'ANALYZED') {
  return makeFragmentData({ __typename: 'Study', id: 'study-1', status, diagnoses } as never, DiagnosisPanelStudyFragment);
}

function renderPanel(opts: { diagnoses?: Dx[]; confirm?: () => FakeResult; onSigned?: () => void; finding?: typeof FINDING | null; status?: string } = {}) {
  const fake = new FakeGraphql(opts.confirm ? { ConfirmDiagnosis: opts.confirm } : {});
  const result = renderWithProviders(
    <DiagnosisPanel
      study={study(opts.diagnoses, opts.status)}
      finding={opts.finding === undefined ? FINDING : opts.finding}
      labels={LABELS}
      currentUserId="user-1"
      onSigned={opts.onSigned}
    />,
    { fake },
  );
  return { ...result, fake };
}

function signedResult(d: Dx): () => FakeResult {
  return () => ({ data: { confirmDiagnosis: d } });
}

afterEach(() => cleanup());

describe('DiagnosisPanel', () => {
  it("pre-selects the AI's class among the four humanised labels and shows agreement", () => {
    renderPanel();
    const group = screen.getByRole('group', { name: /ACL/ });
    const radios = within(group).getAllByRole('radio');
    expect(radios.map((r) => r.parentElement?.textContent)).toEqual(['Healthy', 'Minor strain', 'Partial ruptureAI', 'Complete rupture']);
    expect(screen.getByRole<HTMLInputElement>('radio', { name: /Partial rupture/ }).checked).toBe(true);
    expect(screen.getByTestId('dx-agreement').textContent).toBe('Agrees with the AI (Partial rupture).');
  });

  it('shows disagreement before signing and sends the chosen label and note', async () => {
    const onSigned = vi.fn();
    const signed = diagnosis({ id: 'dx-9', label: 'complete_rupture', note: 'Complete tear', agreesWithAi: false });
    const { fake } = renderPanel({ confirm: signedResult(signed), onSigned });

    fireEvent.click(screen.getByRole('radio', { name: 'Complete rupture' }));
    expect(screen.getByTestId('dx-agreement').textContent).toBe('Disagrees with the AI: the AI suggested Partial rupture, you chose Complete rupture.');
    fireEvent.change(screen.getByRole('textbox', { name: 'Note' }), { target: { value: '  Complete tear ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign diagnosis' }));

    await waitFor(() => expect(onSigned).toHaveBeenCalledTimes(1));
    expect(fake.lastCall('ConfirmDiagnosis')?.variables).toEqual({ input: { studyId: 'study-1', label: 'complete_rupture', note: 'Complete tear' } });
    // Signed: read-only, who and when, no form.
    const card = await screen.findByRole('article', { name: 'Your signed diagnosis' });
    expect(card.textContent).toContain('Complete rupture');
    expect(card.textContent).toContain('Disagreed with the AI');
    expect(card.textContent).toContain('Signed by Dr Ada Reader');
    expect(screen.queryByRole('radio')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Sign diagnosis' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Amend' })).toBeTruthy();
  });

  it('sends a null note when the note is empty', async () => {
    const onSigned = vi.fn();
    const { fake } = renderPanel({ confirm: signedResult(diagnosis({ note: null })), onSigned });
    fireEvent.click(screen.getByRole('button', { name: 'Sign diagnosis' }));
    await waitFor(() => expect(onSigned).toHaveBeenCalled());
    expect(fake.lastCall('ConfirmDiagnosis')?.variables).toEqual({ input: { studyId: 'study-1', label: 'partial_rupture', note: null } });
  });

  it('shows a signed diagnosis read-only; Amend opens the form again and sends amendsId', async () => {
    const onSigned = vi.fn();
    const amendment = diagnosis({ id: 'dx-2', label: 'minor_strain', note: 'On reflection: strain', agreesWithAi: false, amendsId: 'dx-1' });
    const { fake } = renderPanel({ diagnoses: [diagnosis()], confirm: signedResult(amendment), onSigned });
    const card = screen.getByRole('article', { name: 'Your signed diagnosis' });
    expect(card.textContent).toContain('Partial rupture');
    expect(card.textContent).toContain('Fibres partly torn');
    expect(card.querySelector('time')?.getAttribute('dateTime')).toBe('2026-11-27T10:15:00.000Z');
    expect(screen.queryByRole('radio')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Amend' }));
    // The form starts from the signed read.
    expect(screen.getByRole<HTMLInputElement>('radio', { name: /Partial rupture/ }).checked).toBe(true);
    expect(screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Note' }).value).toBe('Fibres partly torn');
    fireEvent.click(screen.getByRole('radio', { name: 'Minor strain' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'Note' }), { target: { value: 'On reflection: strain' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign amendment' }));

    await waitFor(() => expect(onSigned).toHaveBeenCalledTimes(1));
    expect(fake.lastCall('ConfirmDiagnosis')?.variables).toEqual({
      input: { studyId: 'study-1', label: 'minor_strain', note: 'On reflection: strain', amendsId: 'dx-1' },
    });
    const updated = await screen.findByRole('article', { name: 'Your signed diagnosis' });
    expect(updated.textContent).toContain('Minor strain');
    expect(updated.textContent).toContain('(amendment)');
  });

  it('Cancel leaves the signed diagnosis as it was', () => {
    renderPanel({ diagnoses: [diagnosis()] });
    fireEvent.click(screen.getByRole('button', { name: 'Amend' }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('article', { name: 'Your signed diagnosis' })).toBeTruthy();
    expect(screen.queryByRole('radio')).toBeNull();
  });

  it('shows BAD_USER_INPUT inline and keeps the form', async () => {
    renderPanel({ confirm: () => graphqlError('BAD_USER_INPUT', 'label must be one of healthy, minor_strain, partial_rupture, complete_rupture') });
    fireEvent.click(screen.getByRole('button', { name: 'Sign diagnosis' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('label must be one of healthy, minor_strain, partial_rupture, complete_rupture');
    expect(screen.getByRole('button', { name: 'Sign diagnosis' })).toBeTruthy();
  });

  it("keeps other readers' diagnoses hidden until you have signed (blind read)", () => {
    const others = [diagnosis({ id: 'dx-o', reader: OTHER, label: 'healthy' })];
    const { unmount } = renderPanel({ diagnoses: others });
    expect(screen.queryByRole('article', { name: 'Read by Dr Second' })).toBeNull();
    expect(screen.getByText(/Another reader has signed a diagnosis/)).toBeTruthy();
    unmount();
    renderPanel({ diagnoses: [diagnosis(), ...others] });
    expect(screen.getByRole('article', { name: 'Read by Dr Second' }).textContent).toContain('Healthy');
  });

  it('without a finding nothing is pre-selected and no comparison is made', () => {
    renderPanel({ finding: null });
    expect(screen.getAllByRole('radio').some((r) => (r as HTMLInputElement).checked)).toBe(false);
    expect(screen.getByText(/without an AI comparison/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign diagnosis' })).toHaveProperty('disabled', true);
  });

  it('cannot sign while the study is still being received', () => {
    renderPanel({ status: 'RECEIVING' });
    expect(screen.getByText(/still receiving/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign diagnosis' })).toHaveProperty('disabled', true);
  });
});
