import { useEffect, useMemo, useRef, useState } from 'react';
import { useQuery, useSubscription } from '@apollo/client/react';
import { Link } from 'react-router';
import { hasErrorCode } from '../apollo/errors.js';
import { useAuth } from '../auth/index.js';
import { graphql } from '../gql/index.js';
import type { StudyPageQuery } from '../gql/graphql.js';
import { ModelUseBadge } from '../shell/model-use-badge.js';
import { useCurrentUser } from '../shell/current-user.js';
import { Loading, QueryError } from '../shell/states.js';
import { AiPanel } from './ai-panel.js';
import { DiagnosisPanel } from './diagnosis-panel.js';
import { DEFAULT_LABELS, humaniseLabel } from './labels.js';
import type { FetchLike } from './series-loader.js';
import { SeriesViewer, type ViewerFinding } from './series-viewer.js';
import './study.css';

export const StudyPageQueryDocument = graphql(`
  query StudyPage($id: ID!) {
    study(id: $id) {
      id
      studyInstanceUid
      status
      statusReason
      aiClass
      pUnhealthy
      studyDate
      description
      patient {
        key
        sex
        birthYear
      }
      series {
        id
        seriesInstanceUid
        description
        plane
        instanceCount
        selectedForInference
        finding {
          id
        }
      }
      findings {
        id
        seriesInstanceUid
        predictedClass
        keySliceIndex
        camUrl
        probabilities {
          label
          probability
        }
        slices {
          index
          sopInstanceUid
          instanceNumber
        }
        modelVersion {
          id
          ...ModelUseBadge_ModelVersion
        }
        ...AiPanel_Finding
      }
      ...DiagnosisPanel_Study
    }
  }
`);

export const StudyPageUpdatedDocument = graphql(`
  subscription StudyPageUpdated($id: ID!) {
    studyUpdated(id: $id) {
      studyId
      status
    }
  }
`);

type StudyData = StudyPageQuery['study'];
type SeriesData = StudyData['series'][number];
type FindingData = StudyData['findings'][number];

/** The series the viewer opens: the one the model reads, else the first sagittal one, else the first. */
export function defaultSeries(series: readonly SeriesData[]): SeriesData | null {
  return series.find((s) => s.selectedForInference) ?? series.find((s) => s.plane === 'SAGITTAL') ?? series[0] ?? null;
}

/** The finding of a series: by the series' own link, else by Series Instance UID (findings are newest first). */
export function findingOf(study: StudyData, series: SeriesData | null): FindingData | null {
  if (!series) return null;
  return study.findings.find((f) => f.id === series.finding?.id) ?? study.findings.find((f) => f.seriesInstanceUid === series.seriesInstanceUid) ?? null;
}

function toViewerFinding(f: FindingData | null): ViewerFinding | null {
  if (!f) return null;
  const slices = [...f.slices].sort((a, b) => a.index - b.index);
  return {
    id: f.id,
    camUrl: f.camUrl,
    keySliceIndex: f.keySliceIndex,
    predictedClass: f.predictedClass,
    labels: f.probabilities.map((p) => p.label),
    sliceSopInstanceUids: slices.map((s) => s.sopInstanceUid),
  };
}

/** fetch with the signed-in user's bearer token (renewed when needed); stable for the page's life. */
function useAuthorisedFetch(): FetchLike {
  const { getAccessToken } = useAuth();
  const tokenRef = useRef(getAccessToken);
  useEffect(() => {
    tokenRef.current = getAccessToken;
  });
  return useMemo<FetchLike>(
    () => async (url, init) => {
      const token = await tokenRef.current();
      const headers = new Headers(init?.headers);
      if (token) headers.set('Authorization', `Bearer ${token}`);
      return fetch(url, { ...init, headers });
    },
    [],
  );
}

export interface StudyPageProps {
  readonly studyId: string;
}

/** `/studies/:id`: header, the slice viewer with the CAM overlay, the AI finding and the diagnosis form. */
export function StudyPage({ studyId }: StudyPageProps) {
  const { me } = useCurrentUser();
  const authorisedFetch = useAuthorisedFetch();
  const { data, error, loading, refetch } = useQuery(StudyPageQueryDocument, { variables: { id: studyId }, fetchPolicy: 'cache-and-network' });
  const study = data?.study ?? null;

  // A study that changes while open (analysed, reviewed by someone else) is read again.
  useSubscription(StudyPageUpdatedDocument, {
    variables: { id: studyId },
    skip: !study,
    onData: () => {
      refetch().catch(() => undefined);
    },
  });

  const [seriesId, setSeriesId] = useState<string | null>(null);
  const series = study ? (study.series.find((s) => s.id === seriesId) ?? defaultSeries(study.series)) : null;
  const viewerFinding = useMemo(() => (study ? toViewerFinding(findingOf(study, series)) : null), [study, series]);
  const aiFinding = study ? (findingOf(study, defaultSeries(study.series)) ?? study.findings[0] ?? null) : null;

  if (!study) {
    if (error && hasErrorCode(error, 'NOT_FOUND')) {
      return (
        <section className="page page-message" aria-labelledby="study-not-found">
          <h1 id="study-not-found">Study not found</h1>
          <p>This study does not exist, or it belongs to another hospital.</p>
          <Link to="/">Back to the worklist</Link>
        </section>
      );
    }
    if (error) return <QueryError error={error} what="study" onRetry={() => void refetch()} />;
    return <Loading label={loading ? 'Loading the study…' : 'Loading…'} />;
  }

  const labels = aiFinding?.probabilities.map((p) => p.label) ?? me.hospital?.activeModelVersion?.labels ?? DEFAULT_LABELS;
  const statusClass = `study-status study-status--${study.status.toLowerCase()}`;

  return (
    <div className="page study-page">
      <header className="study-header">
        <h1>
          Study <span className="study-header__patient">patient {study.patient.key}</span>
        </h1>
        <dl className="study-header__facts">
          <div>
            <dt>Date</dt>
            <dd>{study.studyDate ?? '–'}</dd>
          </div>
          <div>
            <dt>Sex / born</dt>
            <dd>
              {study.patient.sex ?? '–'} / {study.patient.birthYear ?? '–'}
            </dd>
          </div>
          <div>
            <dt>Status</dt>
            <dd>
              <span className={statusClass} data-testid="study-status">
                {study.status}
              </span>
            </dd>
          </div>
          {study.aiClass && (
            <div>
              <dt>AI</dt>
              <dd>{humaniseLabel(study.aiClass)}</dd>
            </div>
          )}
        </dl>
        {aiFinding && <ModelUseBadge model={aiFinding.modelVersion} />}
        <Link to="/">Back to the worklist</Link>
      </header>
      {study.statusReason && <p className="study-notice">{study.statusReason}</p>}

      <div className="study-layout">
        <div className="study-main">
          {study.series.length > 1 && series && (
            <label className="study-series-picker">
              Series
              <select value={series.id} onChange={(e) => setSeriesId(e.target.value)}>
                {study.series.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.description ?? s.seriesInstanceUid} · {s.plane ?? 'UNKNOWN'} · {s.instanceCount} images
                    {s.selectedForInference ? ' (analysed)' : ''}
                  </option>
                ))}
              </select>
            </label>
          )}
          {series ? (
            <SeriesViewer
              key={series.id}
              studyInstanceUid={study.studyInstanceUid}
              seriesInstanceUid={series.seriesInstanceUid}
              finding={viewerFinding}
              fetch={authorisedFetch}
            />
          ) : (
            <p className="study-notice">This study has no series yet.</p>
          )}
        </div>
        <aside className="study-side" aria-label="AI finding and diagnosis">
          {aiFinding ? (
            <AiPanel finding={aiFinding} />
          ) : (
            <section className="study-panel" aria-label="AI finding">
              <h2>AI finding</h2>
              <p className="study-notice">
                {study.status === 'QUEUED' || study.status === 'ANALYZING' || study.status === 'RECEIVING'
                  ? 'The AI has not analysed this study yet; this page updates when it has.'
                  : 'No AI finding for this study.'}
              </p>
            </section>
          )}
          <DiagnosisPanel
            study={study}
            finding={aiFinding ? { id: aiFinding.id, predictedClass: aiFinding.predictedClass } : null}
            labels={labels}
            currentUserId={me.id}
            onSigned={() => refetch()}
          />
        </aside>
      </div>
    </div>
  );
}
