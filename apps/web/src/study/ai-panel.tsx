import { type FragmentType, getFragmentData, graphql } from '../gql/index.js';
import { formatPercent, humaniseLabel } from './labels.js';

export const AiPanelFindingFragment = graphql(`
  fragment AiPanel_Finding on Finding {
    id
    predictedClass
    pUnhealthy
    executionProvider
    createdAt
    probabilities {
      label
      probability
    }
    timings {
      queueWaitMs
      readMs
      decodeMs
      preprocessMs
      inferenceMs
      camMs
      totalMs
    }
    modelVersion {
      id
      name
      version
      intendedUse
      isNotForClinicalUse
    }
  }
`);

function ProbabilityBar({ label, value, emphasis = false }: { label: string; value: number; emphasis?: boolean }) {
  const pct = Math.min(100, Math.max(0, value * 100));
  return (
    <div className={`ai-bar${emphasis ? ' ai-bar--predicted' : ''}`}>
      <span className="ai-bar__label">{label}</span>
      <div
        className="ai-bar__track"
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(pct * 10) / 10}
        aria-valuetext={formatPercent(value)}
      >
        <div className="ai-bar__fill" style={{ width: `${pct}%` }} />
      </div>
      <span className="ai-bar__value">{formatPercent(value)}</span>
    </div>
  );
}

function ms(value: number | null): string {
  return value === null ? '–' : `${Math.round(value)} ms`;
}

/** What the AI said: probabilities per class, P(unhealthy), the predicted class, the model and its timings. */
export function AiPanel({ finding: ref }: { finding: FragmentType<typeof AiPanelFindingFragment> }) {
  const f = getFragmentData(AiPanelFindingFragment, ref);
  const t = f.timings;
  const timings: [string, number | null][] = [
    ['Queue wait', t.queueWaitMs],
    ['Read', t.readMs],
    ['Decode', t.decodeMs],
    ['Preprocess', t.preprocessMs],
    ['Inference', t.inferenceMs],
    ['CAM', t.camMs],
    ['Total', t.totalMs],
  ];
  return (
    <section className="study-panel ai-panel" aria-labelledby="ai-panel-title">
      <h2 id="ai-panel-title">AI finding</h2>
      <p className="ai-panel__predicted">
        Predicted: <strong>{humaniseLabel(f.predictedClass)}</strong>
      </p>
      <ProbabilityBar label="P(unhealthy)" value={f.pUnhealthy} emphasis />
      <h3>Probability per class</h3>
      <div className="ai-panel__bars">
        {f.probabilities.map((p) => (
          <ProbabilityBar key={p.label} label={humaniseLabel(p.label)} value={p.probability} emphasis={p.label === f.predictedClass} />
        ))}
      </div>
      <h3>Model</h3>
      <dl className="study-dl">
        <dt>Model</dt>
        <dd>
          {f.modelVersion.name} {f.modelVersion.version}
        </dd>
        <dt>Intended use</dt>
        <dd>{f.modelVersion.intendedUse}</dd>
        <dt>Ran on</dt>
        <dd>{f.executionProvider.toUpperCase()}</dd>
        <dt>Analysed</dt>
        <dd>
          <time dateTime={f.createdAt}>{new Date(f.createdAt).toLocaleString()}</time>
        </dd>
      </dl>
      <details className="ai-panel__timings" open>
        <summary>Timings</summary>
        <dl className="study-dl">
          {timings.map(([name, value]) => (
            <div key={name} className="study-dl__row">
              <dt>{name}</dt>
              <dd>{ms(value)}</dd>
            </div>
          ))}
        </dl>
      </details>
    </section>
  );
}
