import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { graphql } from '../gql/index.js';
import { errorMessage } from '../apollo/errors.js';
import { Loading, QueryError } from '../shell/states.js';

export const HospitalSettingsQuery = graphql(`
  query HospitalSettings {
    me {
      id
      hospital {
        id
        name
        slug
        aeTitle
        allowedCallingAes
        activeModelVersion {
          id
        }
      }
    }
  }
`);

export const UpdateDicomSettingsMutation = graphql(`
  mutation UpdateDicomSettings($input: DicomSettingsInput!) {
    updateDicomSettings(input: $input) {
      id
      aeTitle
      allowedCallingAes
    }
  }
`);

const AE_TITLE = /^[A-Z0-9_-]{1,16}$/;

export function parseAeList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean),
    ),
  ];
}

function DicomSettingsForm({ aeTitle, allowedCallingAes }: { aeTitle: string | null; allowedCallingAes: readonly string[] }) {
  const [title, setTitle] = useState(aeTitle ?? '');
  const [allowed, setAllowed] = useState(allowedCallingAes.join('\n'));
  const [update, { loading, error }] = useMutation(UpdateDicomSettingsMutation);
  const [saved, setSaved] = useState(false);
  const normalisedTitle = title.trim().toUpperCase();
  const list = parseAeList(allowed);
  const invalid = [...(normalisedTitle ? [normalisedTitle] : []), ...list].filter((t) => !AE_TITLE.test(t));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    try {
      await update({ variables: { input: { aeTitle: normalisedTitle || null, allowedCallingAes: list } } });
      setSaved(true);
    } catch {
      // Shown from `error`.
    }
  };

  return (
    <form className="stacked-form" aria-label="DICOM settings" onSubmit={(e) => void submit(e)}>
      <label>
        Called AE title
        <input type="text" value={title} maxLength={16} placeholder="empty: no DIMSE ingest" onChange={(e) => setTitle(e.target.value)} />
      </label>
      <p className="hint">C-STORE associations addressed to this AE title are stored for this hospital. Empty stops DIMSE ingest.</p>
      <label>
        Allowed calling AE titles
        <textarea rows={4} value={allowed} placeholder="one per line; empty: any" onChange={(e) => setAllowed(e.target.value)} />
      </label>
      <p className="hint">Only these calling AE titles may send; leave empty to accept any.</p>
      {invalid.length > 0 && (
        <p role="alert" className="inline-error">
          Not a valid AE title (1–16 of A–Z, 0–9, _ and -): {invalid.join(', ')}
        </p>
      )}
      <div>
        <button type="submit" className="button primary" disabled={loading || invalid.length > 0}>
          {loading ? 'Saving…' : 'Save DICOM settings'}
        </button>
        {saved && <span className="muted"> Saved</span>}
      </div>
      {error && (
        <p role="alert" className="inline-error">
          {errorMessage(error)}
        </p>
      )}
    </form>
  );
}

export function DicomSettingsSection() {
  const { data, error, loading, refetch } = useQuery(HospitalSettingsQuery);
  const hospital = data?.me.hospital;
  if (!data && error) return <QueryError error={error} onRetry={() => void refetch()} />;
  if (!data && loading) return <Loading label="Loading DICOM settings…" />;
  if (!hospital) return <p className="state">You are not signed in to a hospital.</p>;
  return (
    <div className="admin-section">
      <DicomSettingsForm key={hospital.id} aeTitle={hospital.aeTitle} allowedCallingAes={hospital.allowedCallingAes} />
    </div>
  );
}
