import type { OrderDirection, StudyFilter, StudyOrder, StudyOrderField, StudyStatus, WorklistQueryVariables } from '../gql/graphql.js';
import { formatLabel, STATUS_LABELS } from './worklist-row.js';

export const STUDY_STATUSES: readonly StudyStatus[] = ['RECEIVING', 'QUEUED', 'ANALYZING', 'ANALYZED', 'FAILED', 'NOT_APPLICABLE', 'REVIEWED'];

/** The bundled model's labels; the hospital's active model version, when known, names its own. */
export const DEFAULT_AI_CLASSES: readonly string[] = ['healthy', 'minor_strain', 'partial_rupture', 'complete_rupture'];

export const ORDERS = {
  PRIORITY_DESC: { label: 'AI priority (urgent first)', field: 'PRIORITY', direction: 'DESC' },
  STUDY_DATE_DESC: { label: 'Study date (newest first)', field: 'STUDY_DATE', direction: 'DESC' },
  STUDY_DATE_ASC: { label: 'Study date (oldest first)', field: 'STUDY_DATE', direction: 'ASC' },
  RECEIVED_AT_DESC: { label: 'Received (newest first)', field: 'RECEIVED_AT', direction: 'DESC' },
} as const satisfies Record<string, { label: string; field: StudyOrderField; direction: OrderDirection }>;

export type OrderKey = keyof typeof ORDERS;

export interface WorklistFilters {
  readonly status: StudyStatus | '';
  readonly aiClass: string;
  readonly dateFrom: string;
  readonly dateTo: string;
  readonly order: OrderKey;
}

export const EMPTY_FILTERS: WorklistFilters = { status: '', aiClass: '', dateFrom: '', dateTo: '', order: 'PRIORITY_DESC' };

function isStatus(value: string): value is StudyStatus {
  return (STUDY_STATUSES as readonly string[]).includes(value);
}

function isOrder(value: string): value is OrderKey {
  return value in ORDERS;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Filters live in the URL (`?status=FAILED&aiClass=…&from=…&to=…&order=…`), so back from a study keeps them. */
export function filtersFromParams(params: URLSearchParams): WorklistFilters {
  const status = params.get('status') ?? '';
  const aiClass = params.get('aiClass') ?? '';
  const dateFrom = params.get('from') ?? '';
  const dateTo = params.get('to') ?? '';
  const order = params.get('order') ?? '';
  return {
    status: isStatus(status) ? status : '',
    aiClass: /^[a-z][a-z0-9_]{0,63}$/.test(aiClass) ? aiClass : '',
    dateFrom: DATE.test(dateFrom) ? dateFrom : '',
    dateTo: DATE.test(dateTo) ? dateTo : '',
    order: isOrder(order) ? order : 'PRIORITY_DESC',
  };
}

export function filtersToParams(filters: WorklistFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.status) params.set('status', filters.status);
  if (filters.aiClass) params.set('aiClass', filters.aiClass);
  if (filters.dateFrom) params.set('from', filters.dateFrom);
  if (filters.dateTo) params.set('to', filters.dateTo);
  if (filters.order !== 'PRIORITY_DESC') params.set('order', filters.order);
  return params;
}

/** The `studies` arguments for a page of the worklist. */
export function worklistVariables(filters: WorklistFilters, after: string | null, first: number): WorklistQueryVariables {
  const filter: StudyFilter = {};
  if (filters.status) filter.status = [filters.status];
  if (filters.aiClass) filter.aiClass = [filters.aiClass];
  if (filters.dateFrom) filter.dateFrom = filters.dateFrom;
  if (filters.dateTo) filter.dateTo = filters.dateTo;
  const { field, direction } = ORDERS[filters.order];
  const orderBy: StudyOrder = { field, direction };
  return { first, after, filter, orderBy };
}

export function WorklistFilterBar({
  filters,
  aiClasses,
  onChange,
}: {
  filters: WorklistFilters;
  aiClasses: readonly string[];
  onChange: (next: WorklistFilters) => void;
}) {
  const set = (patch: Partial<WorklistFilters>) => onChange({ ...filters, ...patch });
  const isFiltered = filters.status !== '' || filters.aiClass !== '' || filters.dateFrom !== '' || filters.dateTo !== '';
  return (
    <form className="filter-bar" role="search" aria-label="Worklist filters" onSubmit={(e) => e.preventDefault()}>
      <label>
        Status
        <select value={filters.status} onChange={(e) => set({ status: isStatus(e.target.value) ? e.target.value : '' })}>
          <option value="">All</option>
          {STUDY_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      </label>
      <label>
        AI class
        <select value={filters.aiClass} onChange={(e) => set({ aiClass: e.target.value })}>
          <option value="">All</option>
          {aiClasses.map((c) => (
            <option key={c} value={c}>
              {formatLabel(c)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Study date from
        <input type="date" value={filters.dateFrom} max={filters.dateTo || undefined} onChange={(e) => set({ dateFrom: e.target.value })} />
      </label>
      <label>
        Study date to
        <input type="date" value={filters.dateTo} min={filters.dateFrom || undefined} onChange={(e) => set({ dateTo: e.target.value })} />
      </label>
      <label>
        Order
        <select value={filters.order} onChange={(e) => set({ order: isOrder(e.target.value) ? e.target.value : 'PRIORITY_DESC' })}>
          {Object.entries(ORDERS).map(([key, o]) => (
            <option key={key} value={key}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      {isFiltered && (
        <button type="button" className="button" onClick={() => onChange({ ...EMPTY_FILTERS, order: filters.order })}>
          Clear filters
        </button>
      )}
    </form>
  );
}
