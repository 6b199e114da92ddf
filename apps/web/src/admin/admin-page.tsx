import { useSearchParams } from 'react-router';
import { useCurrentUser } from '../shell/current-user.js';
import { AuditLogSection } from './audit-log-section.js';
import { DicomSettingsSection } from './dicom-settings-section.js';
import { ModelSection } from './model-section.js';
import { ServiceAccountsSection } from './service-accounts-section.js';
import { UsersSection } from './users-section.js';

const TABS = {
  users: { label: 'Users', render: () => <UsersSection /> },
  'service-accounts': { label: 'Service accounts', render: () => <ServiceAccountsSection /> },
  dicom: { label: 'DICOM', render: () => <DicomSettingsSection /> },
  model: { label: 'Model', render: () => <ModelSection /> },
  audit: { label: 'Audit log', render: () => <AuditLogSection /> },
} as const;

type TabKey = keyof typeof TABS;

function isTab(value: string | null): value is TabKey {
  return value !== null && value in TABS;
}

/** `/admin`: the hospital admin's users, service accounts, DICOM settings, active model and audit log (`?tab=`). */
export function AdminPage() {
  const { me } = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const requested = params.get('tab');
  const tab: TabKey = isTab(requested) ? requested : 'users';
  return (
    <section className="page page-wide" aria-labelledby="admin-title">
      <div className="page-header">
        <h1 id="admin-title">Hospital admin</h1>
        {me.hospital && <span className="muted">{me.hospital.name}</span>}
      </div>
      <div role="tablist" aria-label="Admin sections" className="tabs">
        {(Object.keys(TABS) as TabKey[]).map((key) => (
          <button
            key={key}
            type="button"
            role="tab"
            id={`admin-tab-${key}`}
            aria-selected={key === tab}
            aria-controls={`admin-panel-${key}`}
            className={key === tab ? 'tab tab-active' : 'tab'}
            onClick={() => setParams({ tab: key })}
          >
            {TABS[key].label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`admin-panel-${tab}`} aria-labelledby={`admin-tab-${tab}`} className="tab-panel">
        {TABS[tab].render()}
      </div>
    </section>
  );
}
