import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql/index.js';
import { formatDateTime } from '../admin/roles.js';
import { ModelUseBadge } from '../shell/model-use-badge.js';
import { Loading, QueryError } from '../shell/states.js';
import { formatLabel } from '../worklist/worklist-row.js';

export const ModelCardQuery = graphql(`
  query ModelCard($id: ID!) {
    modelVersion(id: $id) {
      id
      name
      version
      intendedUse
      isNotForClinicalUse
      isBundled
      trainedOn
      labels
      sha256
      sizeBytes
      createdAt
      metrics {
        accuracy
        aucBinary
        weightedF1
        camLocalisationRatio
        recall {
          label
          value
        }
      }
      ...ModelUseBadge_ModelVersion
    }
  }
`);

function metric(value: number | null, digits = 3): string {
  return value === null ? '—' : value.toFixed(digits);
}

/** `/models/:id`: what a model version is for, what it was trained on, and how well it did on its held-out set. */
export function ModelCardPage({ modelVersionId }: { modelVersionId: string }) {
  const { data, error, refetch } = useQuery(ModelCardQuery, { variables: { id: modelVersionId } });
  if (!data && error) return <QueryError error={error} what="model version" onRetry={() => void refetch()} />;
  if (!data) return <Loading label="Loading the model card…" />;
  const m = data.modelVersion;
  return (
    <section className="page" aria-labelledby="model-title">
      <div className="page-header">
        <h1 id="model-title">
          {m.name} <span className="muted">{m.version}</span>
        </h1>
        <ModelUseBadge model={m} link={false} />
      </div>
      <dl className="facts">
        <dt>Intended use</dt>
        <dd>{m.intendedUse}</dd>
        <dt>Trained on</dt>
        <dd>{m.trainedOn || '—'}</dd>
        <dt>Labels</dt>
        <dd>{m.labels.map(formatLabel).join(', ')}</dd>
        <dt>Registered</dt>
        <dd>
          {formatDateTime(m.createdAt)}
          {m.isBundled && ' (bundled with the platform)'}
        </dd>
        <dt>ONNX SHA-256</dt>
        <dd>
          <code className="hash">{m.sha256}</code>
        </dd>
        <dt>Size</dt>
        <dd>{(m.sizeBytes / 1024 / 1024).toFixed(1)} MB</dd>
      </dl>
      <h2>Evaluation (held-out set)</h2>
      <dl className="facts metrics">
        <dt>Accuracy</dt>
        <dd>{metric(m.metrics.accuracy)}</dd>
        <dt>ROC AUC, healthy vs unhealthy</dt>
        <dd>{metric(m.metrics.aucBinary)}</dd>
        <dt>Weighted F1</dt>
        <dd>{metric(m.metrics.weightedF1)}</dd>
        <dt>CAM localisation ratio</dt>
        <dd>{metric(m.metrics.camLocalisationRatio, 2)}</dd>
      </dl>
      <h3>Recall per label</h3>
      {m.metrics.recall.length === 0 ? (
        <p className="muted">Not reported.</p>
      ) : (
        <ul className="recall-bars" aria-label="Recall per label">
          {m.metrics.recall.map((r) => (
            <li key={r.label}>
              <span className="recall-label">{formatLabel(r.label)}</span>
              <span className="bar" role="meter" aria-label={`Recall ${formatLabel(r.label)}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(r.value * 100)}>
                <span className="bar-fill" style={{ width: `${Math.round(r.value * 100)}%` }} />
              </span>
              <span className="recall-value">{(r.value * 100).toFixed(1)}%</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
