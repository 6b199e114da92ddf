import { useMutation, useQuery } from '@apollo/client/react';
import { Link } from 'react-router';
import { graphql } from '../gql/index.js';
import { errorMessage } from '../apollo/errors.js';
import { ModelUseBadge } from '../shell/model-use-badge.js';
import { EmptyState, Loading, QueryError } from '../shell/states.js';
import { formatDateTime } from './roles.js';
import { HospitalSettingsQuery } from './dicom-settings-section.js';

export const AdminModelVersionsQuery = graphql(`
  query AdminModelVersions($first: Int) {
    modelVersions(first: $first) {
      edges {
        node {
          id
          name
          version
          intendedUse
          isBundled
          createdAt
          ...ModelUseBadge_ModelVersion
        }
      }
    }
  }
`);

export const ActivateModelVersionMutation = graphql(`
  mutation ActivateModelVersion($versionId: ID!) {
    activateModelVersion(versionId: $versionId) {
      id
      activeModelVersion {
        id
        labels
        isNotForClinicalUse
        ...ModelUseBadge_ModelVersion
      }
    }
  }
`);

export function ModelSection() {
  const versions = useQuery(AdminModelVersionsQuery, { variables: { first: 25 } });
  const settings = useQuery(HospitalSettingsQuery);
  const [activate, activation] = useMutation(ActivateModelVersionMutation);
  const activeId = settings.data?.me.hospital?.activeModelVersion?.id ?? null;
  const list = versions.data?.modelVersions.edges.map((e) => e.node) ?? [];

  if (!versions.data && versions.error) return <QueryError error={versions.error} onRetry={() => void versions.refetch()} />;
  if (!versions.data) return <Loading label="Loading model versions…" />;
  return (
    <div className="admin-section">
      {activation.error && (
        <p role="alert" className="inline-error">
          {errorMessage(activation.error)}
        </p>
      )}
      {list.length === 0 ? (
        <EmptyState>No model versions are registered.</EmptyState>
      ) : (
        <table className="data-table" aria-label="Model versions">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Intended use</th>
              <th scope="col">Registered</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {list.map((m) => {
              const isActive = m.id === activeId;
              return (
                <tr key={m.id} className={isActive ? 'row-active' : undefined}>
                  <td>
                    <Link to={`/models/${m.id}`}>
                      {m.name} {m.version}
                    </Link>
                    {m.isBundled && <span className="muted"> (bundled)</span>}
                  </td>
                  <td>
                    {m.intendedUse} <ModelUseBadge model={m} link={false} />
                  </td>
                  <td>{formatDateTime(m.createdAt)}</td>
                  <td>
                    {isActive ? (
                      <strong>Active</strong>
                    ) : (
                      <button
                        type="button"
                        className="button"
                        disabled={activation.loading}
                        aria-label={`Activate ${m.name} ${m.version}`}
                        onClick={() => void activate({ variables: { versionId: m.id } }).catch(() => undefined)}
                      >
                        Activate
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <p className="hint">The active version analyses the hospital&apos;s new series; studies already analysed keep their findings.</p>
    </div>
  );
}
