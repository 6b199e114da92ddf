import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { graphql } from '../gql/index.js';
import { errorMessage } from '../apollo/errors.js';
import { formatDateTime } from '../admin/roles.js';
import { EmptyState, Loading, QueryError } from '../shell/states.js';

export const HospitalsQuery = graphql(`
  query Hospitals($first: Int, $after: String) {
    hospitals(first: $first, after: $after) {
      edges {
        node {
          id
          name
          slug
          status
          aeTitle
          createdAt
          activeModelVersion {
            id
            name
            version
          }
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const CreateHospitalMutation = graphql(`
  mutation CreateHospital($input: CreateHospitalInput!) {
    createHospital(input: $input) {
      id
      name
      slug
      status
    }
  }
`);

export const SuspendHospitalMutation = graphql(`
  mutation SuspendHospital($id: ID!) {
    suspendHospital(id: $id) {
      id
      status
    }
  }
`);

export const ReactivateHospitalMutation = graphql(`
  mutation ReactivateHospital($id: ID!) {
    reactivateHospital(id: $id) {
      id
      status
    }
  }
`);

function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
}

function CreateHospitalForm({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [aeTitle, setAeTitle] = useState('');
  const [adminEmail, setAdminEmail] = useState('');
  const [create, { loading, error }] = useMutation(CreateHospitalMutation);
  const [created, setCreated] = useState<string | null>(null);
  const effectiveSlug = slugTouched ? slug : slugify(name);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setCreated(null);
    try {
      await create({
        variables: {
          input: { name: name.trim(), slug: effectiveSlug, aeTitle: aeTitle.trim().toUpperCase() || undefined, adminEmail: adminEmail.trim() || undefined },
        },
      });
      setCreated(name.trim());
      setName('');
      setSlug('');
      setSlugTouched(false);
      setAeTitle('');
      setAdminEmail('');
      onCreated();
    } catch {
      // Shown from `error`.
    }
  };

  return (
    <form className="inline-form" aria-label="Create a hospital" onSubmit={(e) => void submit(e)}>
      <h2>Create a hospital</h2>
      <label>
        Hospital name
        <input type="text" required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Slug
        <input
          type="text"
          required
          pattern="[a-z0-9][a-z0-9-]*"
          value={effectiveSlug}
          onChange={(e) => {
            setSlugTouched(true);
            setSlug(e.target.value);
          }}
        />
      </label>
      <label>
        AE title
        <input type="text" maxLength={16} value={aeTitle} onChange={(e) => setAeTitle(e.target.value)} />
      </label>
      <label>
        First admin email
        <input type="email" value={adminEmail} onChange={(e) => setAdminEmail(e.target.value)} />
      </label>
      <button type="submit" className="button primary" disabled={loading || name.trim() === '' || effectiveSlug === ''}>
        {loading ? 'Creating…' : 'Create hospital'}
      </button>
      {error && (
        <span role="alert" className="inline-error">
          {errorMessage(error)}
        </span>
      )}
      {created && <span role="status">Created {created}.</span>}
    </form>
  );
}

function StatusButton({ id, name, status }: { id: string; name: string; status: 'ACTIVE' | 'SUSPENDED' }) {
  const [suspend, suspension] = useMutation(SuspendHospitalMutation);
  const [reactivate, reactivation] = useMutation(ReactivateHospitalMutation);
  const [confirming, setConfirming] = useState(false);
  const error = suspension.error ?? reactivation.error;
  if (status === 'SUSPENDED') {
    return (
      <>
        <button
          type="button"
          className="button"
          disabled={reactivation.loading}
          aria-label={`Reactivate ${name}`}
          onClick={() => void reactivate({ variables: { id } }).catch(() => undefined)}
        >
          Reactivate
        </button>
        {error && <span className="inline-error">{errorMessage(error)}</span>}
      </>
    );
  }
  return confirming ? (
    <span className="confirm">
      <button
        type="button"
        className="button danger"
        disabled={suspension.loading}
        aria-label={`Confirm suspending ${name}`}
        onClick={() =>
          void suspend({ variables: { id } })
            .then(() => setConfirming(false))
            .catch(() => undefined)
        }
      >
        Confirm suspend
      </button>
      <button type="button" className="button" onClick={() => setConfirming(false)}>
        Keep active
      </button>
      {error && <span className="inline-error">{errorMessage(error)}</span>}
    </span>
  ) : (
    <button type="button" className="button danger" aria-label={`Suspend ${name}`} onClick={() => setConfirming(true)}>
      Suspend
    </button>
  );
}

/** `/platform`: every hospital, create, suspend and reactivate (platform admins). */
export function PlatformPage() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const { data, error, loading, refetch } = useQuery(HospitalsQuery, { variables: { first: 25, after } });
  const hospitals = data?.hospitals.edges.map((e) => e.node) ?? [];
  const pageInfo = data?.hospitals.pageInfo;
  return (
    <section className="page page-wide" aria-labelledby="platform-title">
      <h1 id="platform-title">Hospitals</h1>
      {!data && error ? (
        <QueryError error={error} onRetry={() => void refetch()} />
      ) : !data && loading ? (
        <Loading label="Loading hospitals…" />
      ) : hospitals.length === 0 ? (
        <EmptyState>No hospitals yet.</EmptyState>
      ) : (
        <table className="data-table" aria-label="Hospitals">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Slug</th>
              <th scope="col">AE title</th>
              <th scope="col">Active model</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {hospitals.map((h) => (
              <tr key={h.id} data-testid="hospital-row">
                <td>{h.name}</td>
                <td>
                  <code>{h.slug}</code>
                </td>
                <td>{h.aeTitle ?? <span className="muted">—</span>}</td>
                <td>{h.activeModelVersion ? `${h.activeModelVersion.name} ${h.activeModelVersion.version}` : <span className="muted">none</span>}</td>
                <td>{formatDateTime(h.createdAt)}</td>
                <td>
                  <span className={`status-pill hospital-${h.status.toLowerCase()}`}>{h.status === 'ACTIVE' ? 'Active' : 'Suspended'}</span>
                </td>
                <td>
                  <StatusButton id={h.id} name={h.name} status={h.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(cursors.length > 1 || pageInfo?.hasNextPage) && (
        <nav className="pager" aria-label="Hospital pages">
          <button type="button" className="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </button>
          <button
            type="button"
            className="button"
            disabled={!pageInfo?.hasNextPage}
            onClick={() => pageInfo?.endCursor && setCursors([...cursors, pageInfo.endCursor])}
          >
            Next page
          </button>
        </nav>
      )}
      <CreateHospitalForm onCreated={() => void refetch()} />
    </section>
  );
}
