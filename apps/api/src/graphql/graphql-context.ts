import type { AuthenticatedRequest } from '../auth/current-principal.decorator.js';
import type DataLoader from 'dataloader';
import type { Diagnosis } from '../modules/diagnosis/diagnosis.model.js';
import type { Finding } from '../modules/finding/finding.model.js';
import type { Series } from '../modules/study/study.model.js';
import type { Loaders } from './loaders.js';

export interface GraphQLRequestContext {
  req: AuthenticatedRequest;
  loaders: Loaders;
  /** Per-request loader of a study's series, made on first use. */
  studySeries?: DataLoader<string, Series[]>;
  studyFindings?: DataLoader<string, Finding[]>;
  seriesFinding?: DataLoader<string, Finding | null>;
  studyDiagnoses?: DataLoader<string, Diagnosis[]>;
}
