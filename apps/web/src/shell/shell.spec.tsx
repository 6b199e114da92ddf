import { cleanup, screen } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelCardPage } from '../models/model-card-page.js';
import { DEMO_MODEL, FakeGraphql, fakeMe, graphqlError, renderWithProviders } from '../testing/fake-graphql.js';
import { AppShell } from './app-shell.js';

afterEach(cleanup);

function shell() {
  return (
    <Routes>
      <Route element={<AppShell />}>
        <Route index element={<p>home</p>} />
      </Route>
    </Routes>
  );
}

describe('AppShell', () => {
  it('shows only the pages the roles allow, and the not-for-clinical-use badge', () => {
    renderWithProviders(shell(), { fake: new FakeGraphql({}) });
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect([...nav.querySelectorAll('a')].map((a) => a.textContent)).toEqual(['Worklist', 'Upload']);
    expect(screen.getByTestId('not-for-clinical-use').textContent).toBe('Research/demo model — not for clinical use');
  });

  it('shows admin pages to admins, and no badge for a clinical model', () => {
    const me = fakeMe({ roles: ['HOSPITAL_ADMIN', 'PLATFORM_ADMIN'] });
    const clinical = { ...me, hospital: { ...me.hospital!, activeModelVersion: { ...me.hospital!.activeModelVersion!, isNotForClinicalUse: false } } };
    renderWithProviders(shell(), { fake: new FakeGraphql({}), me: clinical });
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect([...nav.querySelectorAll('a')].map((a) => a.textContent)).toEqual(['Upload', 'Hospital admin', 'Platform']);
    expect(screen.queryByTestId('not-for-clinical-use')).toBeNull();
  });
});

describe('ModelCardPage', () => {
  it('shows the model card with recall bars', async () => {
    const fake = new FakeGraphql({
      ModelCard: () => ({
        data: {
          modelVersion: {
            ...DEMO_MODEL,
            isBundled: true,
            trainedOn: 'synthetic knee phantom, 1200 series',
            sha256: 'ab'.repeat(32),
            sizeBytes: 4 * 1024 * 1024,
            createdAt: '2024-01-01T00:00:00Z',
            metrics: {
              __typename: 'ModelMetrics',
              accuracy: 0.91,
              aucBinary: 0.97,
              weightedF1: 0.9,
              camLocalisationRatio: 3.2,
              recall: [
                { __typename: 'LabelMetric', label: 'healthy', value: 0.95 },
                { __typename: 'LabelMetric', label: 'complete_rupture', value: 0.88 },
              ],
            },
          },
        },
      }),
    });
    renderWithProviders(<ModelCardPage modelVersionId="model-1" />, { fake });
    expect(await screen.findByRole('heading', { name: /acl-phantom-mrnet/ })).toBeTruthy();
    expect(screen.getByText('synthetic knee phantom, 1200 series')).toBeTruthy();
    expect(screen.getByRole('meter', { name: 'Recall complete rupture' }).getAttribute('aria-valuenow')).toBe('88');
    expect(screen.getByTestId('not-for-clinical-use')).toBeTruthy();
  });

  it('answers NOT_FOUND with a "Not found" page', async () => {
    const fake = new FakeGraphql({ ModelCard: () => graphqlError('NOT_FOUND') });
    renderWithProviders(<ModelCardPage modelVersionId="nope" />, { fake });
    expect(await screen.findByRole('heading', { name: 'Not found' })).toBeTruthy();
  });
});
