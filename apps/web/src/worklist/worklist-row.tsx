import { useNavigate } from 'react-router';
import { getFragmentData, graphql, type FragmentType } from '../gql/index.js';
import type { StudyStatus } from '../gql/graphql.js';

export const WorklistRowFragment = graphql(`
  fragment WorklistRow_Study on Study {
    id
    patient {
      key
    }
    studyDate
    receivedAt
    description
    modalities
    seriesCount
    status
    statusReason
    priority
    aiClass
    pUnhealthy
    analyzedAt
  }
`);

export const STATUS_LABELS: Record<StudyStatus, string> = {
  RECEIVING: 'Receiving',
  QUEUED: 'Queued',
  ANALYZING: 'Analyzing',
  ANALYZED: 'Analyzed',
  FAILED: 'Failed',
  NOT_APPLICABLE: 'Not applicable',
  REVIEWED: 'Reviewed',
};

export function formatLabel(label: string): string {
  return label.replace(/_/g, ' ');
}

/** A P(unhealthy) bar with its value as text (and as a meter for assistive technology). */
export function ProbabilityBar({ value, label }: { value: number; label: string }) {
  const percent = Math.round(value * 100);
  const level = value >= 0.66 ? 'high' : value >= 0.33 ? 'mid' : 'low';
  return (
    <span className="probability">
      <span className={`bar bar-${level}`} role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <span className="bar-fill" style={{ width: `${percent}%` }} />
      </span>
      <span className="probability-value">{percent}%</span>
    </span>
  );
}

/** One study on the worklist; the whole row opens the study (click or Enter). */
export function WorklistRow({ study }: { study: FragmentType<typeof WorklistRowFragment> }) {
  const s = getFragmentData(WorklistRowFragment, study);
  const navigate = useNavigate();
  const open = () => void navigate(`/studies/${s.id}`);
  const reviewed = s.status === 'REVIEWED';
  return (
    <tr
      className={`worklist-row status-${s.status.toLowerCase()}`}
      data-testid="worklist-row"
      data-study-id={s.id}
      data-status={s.status}
      tabIndex={0}
      onClick={open}
      onKeyDown={(e) => {
        if (e.key === 'Enter') open();
      }}
    >
      <td>
        <a
          href={`/studies/${s.id}`}
          className="patient-key"
          onClick={(e) => {
            e.preventDefault();
            e.stopPropagation();
            open();
          }}
        >
          {s.patient.key}
        </a>
        {s.description && <span className="muted study-description">{s.description}</span>}
      </td>
      <td>{s.studyDate ?? <span className="muted">—</span>}</td>
      <td className="numeric">{s.seriesCount}</td>
      <td>
        <span className={`status-pill status-${s.status.toLowerCase()}`} data-testid="study-status">
          {STATUS_LABELS[s.status]}
        </span>
        {s.statusReason && (s.status === 'FAILED' || s.status === 'NOT_APPLICABLE') && <span className="status-reason">{s.statusReason}</span>}
      </td>
      <td>
        {s.aiClass ? (
          <span className="ai-class">
            <span className={`ai-class-label class-${s.aiClass}`}>{formatLabel(s.aiClass)}</span>
            {s.pUnhealthy !== null && <ProbabilityBar value={s.pUnhealthy} label={`P(unhealthy) for ${s.patient.key}`} />}
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>{reviewed ? <span className="review-done">Reviewed</span> : <span className="muted">Not reviewed</span>}</td>
    </tr>
  );
}
