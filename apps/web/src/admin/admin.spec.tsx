import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeGraphql, fakeMe, renderWithProviders } from '../testing/fake-graphql.js';
import { AdminPage } from './admin-page.js';

afterEach(cleanup);

const admin = fakeMe({ id: 'admin-1', displayName: 'Admin', email: 'admin@general.test', roles: ['HOSPITAL_ADMIN'] });

function hospitalUser(id: string, email: string, roles: string[]) {
  return { __typename: 'HospitalUser', id, displayName: email.split('@')[0], email, roles, hasSignedIn: true, memberSince: '2024-01-01T00:00:00Z' };
}

function users() {
  return {
    data: {
      hospitalUsers: {
        __typename: 'HospitalUserConnection',
        edges: [
          { __typename: 'HospitalUserEdge', cursor: 'a', node: hospitalUser('admin-1', 'admin@general.test', ['HOSPITAL_ADMIN']) },
          { __typename: 'HospitalUserEdge', cursor: 'b', node: hospitalUser('user-2', 'clinician@general.test', ['CLINICIAN']) },
        ],
        pageInfo: { __typename: 'PageInfo', endCursor: 'b', hasNextPage: false },
      },
    },
  };
}

function serviceAccount(id: string, name: string, revokedAt: string | null = null) {
  return { __typename: 'ServiceAccount', id, name, clientId: `sa-${id}`, roles: ['INTEGRATOR'], createdAt: '2024-01-01T00:00:00Z', revokedAt };
}

describe('AdminPage', () => {
  it('changes a user’s roles with setUserRoles', async () => {
    const user = userEvent.setup();
    const fake = new FakeGraphql({
      AdminUsers: users,
      SetUserRoles: (op) => {
        const input = op.variables['input'] as { userId: string; roles: string[] };
        return { data: { setUserRoles: hospitalUser(input.userId, 'clinician@general.test', input.roles) } };
      },
    });
    renderWithProviders(<AdminPage />, { fake, me: admin, route: '/admin' });

    const row = (await screen.findByText('clinician@general.test')).closest('tr')!;
    const save = within(row).getByRole('button', { name: 'Save roles for clinician@general.test' });
    expect((save as HTMLButtonElement).disabled).toBe(true);
    await user.click(within(row).getByRole('checkbox', { name: 'Hospital admin (clinician@general.test)' }));
    expect((save as HTMLButtonElement).disabled).toBe(false);
    await user.click(save);

    await waitFor(() => expect(fake.calls('SetUserRoles')).toHaveLength(1));
    expect(fake.calls('SetUserRoles')[0]!.variables).toEqual({ input: { userId: 'user-2', roles: ['CLINICIAN', 'HOSPITAL_ADMIN'] } });
    await waitFor(() => expect((save as HTMLButtonElement).disabled).toBe(true));
    expect(within(row).getByText('Saved')).toBeTruthy();
  });

  it('shows a new service account’s secret once, and never keeps it', async () => {
    const user = userEvent.setup();
    let accounts = [serviceAccount('1', 'Old router')];
    const fake = new FakeGraphql({
      ServiceAccounts: () => ({
        data: {
          serviceAccounts: {
            __typename: 'ServiceAccountConnection',
            edges: accounts.map((node) => ({ __typename: 'ServiceAccountEdge', node })),
            pageInfo: { __typename: 'PageInfo', endCursor: null, hasNextPage: false },
          },
        },
      }),
      CreateServiceAccount: (op) => {
        const created = serviceAccount('2', (op.variables['input'] as { name: string }).name);
        accounts = [...accounts, created];
        return {
          data: {
            createServiceAccount: { __typename: 'CreateServiceAccountPayload', clientId: 'sa-2', clientSecret: 's3cr3t-value', serviceAccount: created },
          },
        };
      },
    });
    renderWithProviders(<AdminPage />, { fake, me: admin, route: '/admin?tab=service-accounts' });
    expect(await screen.findByText('Old router')).toBeTruthy();

    await user.type(screen.getByLabelText('Service account name'), 'PACS router');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect((await screen.findByTestId('service-account-secret')).textContent).toBe('s3cr3t-value');
    expect(screen.getByTestId('service-account-client-id').textContent).toBe('sa-2');
    expect(fake.calls('CreateServiceAccount')[0]!.variables).toEqual({ input: { name: 'PACS router' } });
    await screen.findByRole('cell', { name: 'PACS router' });

    await user.click(screen.getByRole('button', { name: 'I have stored the secret' }));
    expect(screen.queryByTestId('service-account-secret')).toBeNull();
    expect(document.body.textContent).not.toContain('s3cr3t-value');
    expect(JSON.stringify(fake.client.cache.extract())).not.toContain('s3cr3t-value');
  });

  it('revokes a service account after confirmation', async () => {
    const user = userEvent.setup();
    const fake = new FakeGraphql({
      ServiceAccounts: () => ({
        data: {
          serviceAccounts: {
            __typename: 'ServiceAccountConnection',
            edges: [{ __typename: 'ServiceAccountEdge', node: serviceAccount('1', 'Old router') }],
            pageInfo: { __typename: 'PageInfo', endCursor: null, hasNextPage: false },
          },
        },
      }),
      RevokeServiceAccount: () => ({ data: { revokeServiceAccount: { __typename: 'ServiceAccount', id: '1', revokedAt: '2024-02-02T00:00:00Z' } } }),
    });
    renderWithProviders(<AdminPage />, { fake, me: admin, route: '/admin?tab=service-accounts' });
    await user.click(await screen.findByRole('button', { name: 'Revoke Old router' }));
    await user.click(screen.getByRole('button', { name: 'Confirm revoking Old router' }));
    expect(await screen.findByText(/^Revoked/)).toBeTruthy();
    expect(fake.calls('RevokeServiceAccount')[0]!.variables).toEqual({ id: '1' });
  });

  it('saves DICOM settings', async () => {
    const user = userEvent.setup();
    const fake = new FakeGraphql({
      HospitalSettings: () => ({
        data: {
          me: {
            __typename: 'Me',
            id: 'admin-1',
            hospital: {
              __typename: 'Hospital',
              id: 'hospital-1',
              name: 'General',
              slug: 'general',
              aeTitle: 'GENERAL',
              allowedCallingAes: [],
              activeModelVersion: null,
            },
          },
        },
      }),
      UpdateDicomSettings: (op) => {
        const input = op.variables['input'] as { aeTitle: string; allowedCallingAes: string[] };
        return { data: { updateDicomSettings: { __typename: 'Hospital', id: 'hospital-1', ...input } } };
      },
    });
    renderWithProviders(<AdminPage />, { fake, me: admin, route: '/admin?tab=dicom' });
    const title = await screen.findByLabelText('Called AE title');
    await user.clear(title);
    await user.type(title, 'knee_mr');
    await user.type(screen.getByLabelText('Allowed calling AE titles'), 'modality1, pacs');
    await user.click(screen.getByRole('button', { name: 'Save DICOM settings' }));
    await waitFor(() => expect(fake.calls('UpdateDicomSettings')).toHaveLength(1));
    expect(fake.calls('UpdateDicomSettings')[0]!.variables).toEqual({ input: { aeTitle: 'KNEE_MR', allowedCallingAes: ['MODALITY1', 'PACS'] } });
  });

  it('pages through the audit log', async () => {
    const user = userEvent.setup();
    const event = (id: string) => ({
      __typename: 'AuditEvent',
      id,
      at: '2024-01-01T00:00:00Z',
      action: 'user.invite',
      actorType: 'USER',
      actorLabel: 'admin@general.test',
      targetType: 'user',
      targetId: `t${id}`,
      ip: '127.0.0.1',
      detail: '{}',
    });
    const fake = new FakeGraphql({
      AuditEvents: (op) => ({
        data: {
          auditEvents: {
            __typename: 'AuditEventConnection',
            edges: [{ __typename: 'AuditEventEdge', cursor: op.variables['after'] ? 'c2' : 'c1', node: event(op.variables['after'] ? '2' : '1') }],
            pageInfo: { __typename: 'PageInfo', endCursor: op.variables['after'] ? 'c2' : 'c1', hasNextPage: !op.variables['after'] },
          },
        },
      }),
    });
    renderWithProviders(<AdminPage />, { fake, me: admin, route: '/admin?tab=audit' });
    expect(await screen.findByText('t1')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Older' }));
    expect(await screen.findByText('t2')).toBeTruthy();
    expect(fake.lastCall('AuditEvents')!.variables).toMatchObject({ first: 25, after: 'c1' });
  });
});
