import { type FormEvent, useId, useState } from 'react';
import { useMutation } from '@apollo/client/react';
import { errorMessage } from '../apollo/errors.js';
import { type FragmentType, getFragmentData, graphql } from '../gql/index.js';
import type { ConfirmDiagnosisInput, DiagnosisPanel_StudyFragment } from '../gql/graphql.js';
import { humaniseLabel } from './labels.js';
import './diagnosis.css';

export const DiagnosisPanelStudyFragment = graphql(`
  fragment DiagnosisPanel_Study on Study {
    id
    status
    diagnoses {
      id
      label
      note
      agreesWithAi
      findingId
      signedAt
      amendsId
      amendedById
      reader {
        id
        displayName
      }
    }
  }
`);

export const ConfirmDiagnosisDocument = graphql(`
  mutation ConfirmDiagnosis($input: ConfirmDiagnosisInput!) {
    confirmDiagnosis(input: $input) {
      id
      label
      note
      agreesWithAi
      findingId
      signedAt
      amendsId
      amendedById
      reader {
        id
        displayName
      }
    }
  }
`);

export type SignedDiagnosis = DiagnosisPanel_StudyFragment['diagnoses'][number];

/** The AI finding the reader sees (null: the study has none). */
export interface DiagnosisFinding {
  readonly id: string;
  readonly predictedClass: string;
}

export interface DiagnosisPanelProps {
  readonly study: FragmentType<typeof DiagnosisPanelStudyFragment>;
  readonly finding: DiagnosisFinding | null;
  /** The labels to choose from, in model order (the finding's, else the active model's). */
  readonly labels: readonly string[];
  /** The signed-in user's id: their own read is the one they can amend. */
  readonly currentUserId: string;
  /** After signing: refresh the study (status, diagnoses). */
  readonly onSigned?: () => void | Promise<unknown>;
}

/** Statuses in which the API accepts a diagnosis (not while the study is still being received). */
const SIGNABLE = new Set(['QUEUED', 'ANALYZING', 'ANALYZED', 'FAILED', 'NOT_APPLICABLE', 'REVIEWED']);

function formatSignedAt(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function AgreementNote({ label, finding }: { label: string | null; finding: DiagnosisFinding | null }) {
  if (!finding) return <p className="dx-agreement dx-agreement--none">No AI finding: this read is recorded without an AI comparison.</p>;
  if (!label) return null;
  const agrees = label === finding.predictedClass;
  return (
    <p className={`dx-agreement ${agrees ? 'dx-agreement--agree' : 'dx-agreement--disagree'}`} role="status" data-testid="dx-agreement">
      {agrees ? (
        <>Agrees with the AI ({humaniseLabel(finding.predictedClass)}).</>
      ) : (
        <>
          Disagrees with the AI: the AI suggested <strong>{humaniseLabel(finding.predictedClass)}</strong>, you chose <strong>{humaniseLabel(label)}</strong>.
        </>
      )}
    </p>
  );
}

function SignedCard({ diagnosis, title }: { diagnosis: SignedDiagnosis; title: string }) {
  return (
    <article className="dx-signed" aria-label={title}>
      <h3>{title}</h3>
      <p className="dx-signed__label">{humaniseLabel(diagnosis.label)}</p>
      {diagnosis.agreesWithAi !== null && (
        <p className={`dx-agreement ${diagnosis.agreesWithAi ? 'dx-agreement--agree' : 'dx-agreement--disagree'}`}>
          {diagnosis.agreesWithAi ? 'Agreed with the AI' : 'Disagreed with the AI'}
        </p>
      )}
      {diagnosis.note && <p className="dx-signed__note">{diagnosis.note}</p>}
      <p className="dx-signed__meta">
        Signed by {diagnosis.reader.displayName} on <time dateTime={diagnosis.signedAt}>{formatSignedAt(diagnosis.signedAt)}</time>
        {diagnosis.amendsId && ' (amendment)'}
      </p>
    </article>
  );
}

/**
 * The read: the AI suggestion pre-selected among the labels, a note, agreement shown before signing, "Sign diagnosis".
 * Signed reads are read-only; "Amend" signs a new diagnosis that references the one it replaces.
 */
export function DiagnosisPanel({ study: ref, finding, labels, currentUserId, onSigned }: DiagnosisPanelProps) {
  const study = getFragmentData(DiagnosisPanelStudyFragment, ref);
  const [confirm, { loading: signing }] = useMutation(ConfirmDiagnosisDocument);
  // The diagnosis just signed, shown until the refreshed study lists it.
  const [justSigned, setJustSigned] = useState<SignedDiagnosis | null>(null);
  const fromStudy = study.diagnoses.find((d) => d.reader.id === currentUserId && d.amendedById === null) ?? null;
  const mine = justSigned && (!fromStudy || justSigned.amendsId === fromStudy.id) ? justSigned : fromStudy;
  const [amending, setAmending] = useState(false);
  // The reader's explicit choice; until then the default: their signed label when amending, else the AI suggestion.
  const [choice, setChoice] = useState<string | null>(null);
  const suggested = finding && labels.includes(finding.predictedClass) ? finding.predictedClass : null;
  const label = choice ?? (amending ? (mine?.label ?? suggested) : suggested);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const ids = useId();

  const history = study.diagnoses.filter((d) => d.reader.id === currentUserId && d.id !== mine?.id);
  const others = study.diagnoses.filter((d) => d.reader.id !== currentUserId && d.amendedById === null);
  const signable = SIGNABLE.has(study.status);
  const editing = !mine || amending;

  const startAmend = (): void => {
    setChoice(null);
    setNote(mine?.note ?? '');
    setError(null);
    setAmending(true);
  };

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!label) {
      setError('Choose a diagnosis.');
      return;
    }
    setError(null);
    const input: ConfirmDiagnosisInput = { studyId: study.id, label, note: note.trim() === '' ? null : note.trim() };
    if (amending && mine) input.amendsId = mine.id;
    try {
      const result = await confirm({ variables: { input } });
      const signed = result.data?.confirmDiagnosis;
      if (signed) setJustSigned(signed);
      setAmending(false);
      setChoice(null);
      await onSigned?.();
    } catch (err: unknown) {
      setError(err instanceof Error ? errorMessage(err) : String(err));
    }
  };

  return (
    <section className="study-panel dx-panel" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Diagnosis</h2>

      {mine && !amending && (
        <>
          <SignedCard diagnosis={mine} title="Your signed diagnosis" />
          <button type="button" className="dx-button" onClick={startAmend}>
            Amend
          </button>
        </>
      )}

      {editing && (
        <form className="dx-form" onSubmit={(e) => void submit(e)} aria-describedby={error ? `${ids}-error` : undefined}>
          {amending && <p className="dx-hint">Amending your signed diagnosis: a new diagnosis replaces it; the original is kept.</p>}
          {!signable && <p className="dx-hint">The study is still {study.status.toLowerCase()}: it can be diagnosed once it has been received.</p>}
          <fieldset className="dx-labels" disabled={!signable || signing}>
            <legend>ACL {finding ? '(AI suggestion pre-selected)' : ''}</legend>
            {labels.map((l) => (
              <label key={l} className="dx-label">
                <input type="radio" name={`${ids}-label`} value={l} checked={label === l} onChange={() => setChoice(l)} />
                {humaniseLabel(l)}
                {finding?.predictedClass === l && <span className="dx-ai-tag">AI</span>}
              </label>
            ))}
          </fieldset>
          <AgreementNote label={label} finding={finding} />
          <label className="dx-note">
            Note
            <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={4} maxLength={4000} disabled={!signable || signing} />
          </label>
          {error && (
            <p id={`${ids}-error`} className="dx-error" role="alert">
              {error}
            </p>
          )}
          <div className="dx-actions">
            <button type="submit" className="dx-button dx-button--primary" disabled={!signable || signing || !label}>
              {signing ? 'Signing…' : amending ? 'Sign amendment' : 'Sign diagnosis'}
            </button>
            {amending && (
              <button type="button" className="dx-button" onClick={() => setAmending(false)} disabled={signing}>
                Cancel
              </button>
            )}
          </div>
        </form>
      )}

      {history.length > 0 && (
        <details className="dx-history">
          <summary>Your earlier diagnoses ({history.length})</summary>
          <ul>
            {history.map((d) => (
              <li key={d.id}>
                {humaniseLabel(d.label)} — {d.reader.displayName}, <time dateTime={d.signedAt}>{formatSignedAt(d.signedAt)}</time> (amended)
              </li>
            ))}
          </ul>
        </details>
      )}

      {others.length > 0 &&
        (mine ? (
          <div className="dx-others">
            {others.map((d) => (
              <SignedCard key={d.id} diagnosis={d} title={`Read by ${d.reader.displayName}`} />
            ))}
          </div>
        ) : (
          <p className="dx-hint">
            {others.length === 1 ? 'Another reader has' : `${others.length} other readers have`} signed a diagnosis; it is shown once you have signed yours
            (blind read).
          </p>
        ))}
    </section>
  );
}
