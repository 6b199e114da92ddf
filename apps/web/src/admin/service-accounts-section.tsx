import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { graphql } from '../gql/index.js';
import { errorMessage } from '../apollo/errors.js';
import { EmptyState, Loading, QueryError } from '../shell/states.js';
import { formatDateTime } from './roles.js';

export const ServiceAccountsQuery = graphql(`
  query ServiceAccounts($first: Int, $after: String) {
    serviceAccounts(first: $first, after: $after) {
      edges {
        node {
          id
          name
          clientId
          roles
          createdAt
          revokedAt
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const CreateServiceAccountMutation = graphql(`
  mutation CreateServiceAccount($input: CreateServiceAccountInput!) {
    createServiceAccount(input: $input) {
      clientId
      clientSecret
      serviceAccount {
        id
        name
        clientId
        roles
        createdAt
        revokedAt
      }
    }
  }
`);

export const RevokeServiceAccountMutation = graphql(`
  mutation RevokeServiceAccount($id: ID!) {
    revokeServiceAccount(id: $id) {
      id
      revokedAt
    }
  }
`);

function RevokeButton({ id, name }: { id: string; name: string }) {
  const [confirming, setConfirming] = useState(false);
  const [revoke, { loading, error }] = useMutation(RevokeServiceAccountMutation);
  if (!confirming) {
    return (
      <button type="button" className="button danger" onClick={() => setConfirming(true)} aria-label={`Revoke ${name}`}>
        Revoke
      </button>
    );
  }
  return (
    <span className="confirm">
      <button
        type="button"
        className="button danger"
        disabled={loading}
        aria-label={`Confirm revoking ${name}`}
        onClick={() => void revoke({ variables: { id } }).catch(() => undefined)}
      >
        {loading ? 'Revoking…' : 'Confirm revoke'}
      </button>
      <button type="button" className="button" onClick={() => setConfirming(false)}>
        Keep
      </button>
      {error && (
        <span role="alert" className="inline-error">
          {errorMessage(error)}
        </span>
      )}
    </span>
  );
}

export function ServiceAccountsSection() {
  const { data, error, loading, refetch } = useQuery(ServiceAccountsQuery, { variables: { first: 50 } });
  // no-cache: the secret must not linger in Apollo's cache.
  const [create, creation] = useMutation(CreateServiceAccountMutation, { fetchPolicy: 'no-cache' });
  const [name, setName] = useState('');
  // The secret exists only in this state: once dismissed (or the page left) it is gone for good.
  const [secret, setSecret] = useState<{ name: string; clientId: string; clientSecret: string } | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const { data: created } = await create({ variables: { input: { name: name.trim() } } });
      if (created) {
        const c = created.createServiceAccount;
        setSecret({ name: c.serviceAccount.name, clientId: c.clientId, clientSecret: c.clientSecret });
        setName('');
        void refetch();
      }
    } catch {
      // Shown from creation.error.
    }
  };

  const accounts = data?.serviceAccounts.edges.map((e) => e.node) ?? [];
  return (
    <div className="admin-section">
      {secret && (
        <div className="secret-once" role="status" aria-label="New service account credentials">
          <p>
            Service account <strong>{secret.name}</strong> created. Copy the secret now: it is shown only once and cannot be retrieved later.
          </p>
          <dl>
            <dt>Client ID</dt>
            <dd>
              <code data-testid="service-account-client-id">{secret.clientId}</code>
            </dd>
            <dt>Client secret</dt>
            <dd>
              <code data-testid="service-account-secret">{secret.clientSecret}</code>
            </dd>
          </dl>
          <button type="button" className="button primary" onClick={() => setSecret(null)}>
            I have stored the secret
          </button>
        </div>
      )}
      {!data && error ? (
        <QueryError error={error} onRetry={() => void refetch()} />
      ) : !data && loading ? (
        <Loading label="Loading service accounts…" />
      ) : accounts.length === 0 ? (
        <EmptyState>No service accounts. Create one for a PACS router or an integration script.</EmptyState>
      ) : (
        <table className="data-table" aria-label="Service accounts">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Client ID</th>
              <th scope="col">Created</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr key={a.id}>
                <td>{a.name}</td>
                <td>
                  <code>{a.clientId}</code>
                </td>
                <td>{formatDateTime(a.createdAt)}</td>
                <td>{a.revokedAt ? `Revoked ${formatDateTime(a.revokedAt)}` : 'Active'}</td>
                <td>{!a.revokedAt && <RevokeButton id={a.id} name={a.name} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="inline-form" aria-label="Create a service account" onSubmit={(e) => void submit(e)}>
        <h3>Create a service account</h3>
        <label>
          Service account name
          <input type="text" required placeholder="PACS router" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" className="button primary" disabled={creation.loading || name.trim() === ''}>
          {creation.loading ? 'Creating…' : 'Create'}
        </button>
        {creation.error && (
          <span role="alert" className="inline-error">
            {errorMessage(creation.error)}
          </span>
        )}
      </form>
    </div>
  );
}
