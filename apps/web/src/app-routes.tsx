import { lazy } from 'react';
import { Navigate, Route, Routes, useParams } from 'react-router';
import { AuthCallbackPage, RequireAuth } from './auth/index.js';
import { AppShell, RequireRole } from './shell/app-shell.js';
import { CurrentUserProvider, useCurrentUser } from './shell/current-user.js';
import { navItemsFor } from './shell/navigation.js';
import { ForbiddenPage, NotFoundPage } from './shell/states.js';
import { WorklistPage } from './worklist/worklist-page.js';

// Pages other than the worklist load on first use (the viewer and the admin pages are most of the code).
const StudyPage = lazy(() => import('./study/study-page.js').then((m) => ({ default: m.StudyPage })));
const UploadPage = lazy(() => import('./upload/upload-page.js').then((m) => ({ default: m.UploadPage })));
const AdminPage = lazy(() => import('./admin/admin-page.js').then((m) => ({ default: m.AdminPage })));
const PlatformPage = lazy(() => import('./platform/platform-page.js').then((m) => ({ default: m.PlatformPage })));
const ModelCardPage = lazy(() => import('./models/model-card-page.js').then((m) => ({ default: m.ModelCardPage })));

function StudyRoute() {
  const { id } = useParams();
  if (!id) return <NotFoundPage what="study" />;
  // Keyed by id: another study is a fresh page (no state carried over).
  return <StudyPage key={id} studyId={id} />;
}

function ModelRoute() {
  const { id } = useParams();
  if (!id) return <NotFoundPage what="model version" />;
  return <ModelCardPage key={id} modelVersionId={id} />;
}

/** `/`: the worklist for clinicians; everyone else goes to the first page their roles allow. */
function Home() {
  const { me, hasRole } = useCurrentUser();
  if (hasRole('CLINICIAN')) return <WorklistPage />;
  const allowed = navItemsFor(me.roles).map((item) => item.to);
  const first = ['/admin', '/platform', '/upload'].find((to) => allowed.includes(to));
  return first ? <Navigate to={first} replace /> : <ForbiddenPage />;
}

/** Signed-in pages inside the shell; the OIDC callback outside it. */
export function SignedInRoutes() {
  return (
    <Routes>
      <Route element={<AppShell />}>
        <Route index element={<Home />} />
        <Route
          path="studies/:id"
          element={
            <RequireRole roles={['CLINICIAN']}>
              <StudyRoute />
            </RequireRole>
          }
        />
        <Route
          path="upload"
          element={
            <RequireRole roles={['CLINICIAN', 'HOSPITAL_ADMIN', 'INTEGRATOR']}>
              <UploadPage />
            </RequireRole>
          }
        />
        <Route
          path="admin"
          element={
            <RequireRole roles={['HOSPITAL_ADMIN']}>
              <AdminPage />
            </RequireRole>
          }
        />
        <Route
          path="platform"
          element={
            <RequireRole roles={['PLATFORM_ADMIN']}>
              <PlatformPage />
            </RequireRole>
          }
        />
        <Route path="models/:id" element={<ModelRoute />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/auth/callback" element={<AuthCallbackPage />} />
      <Route
        path="*"
        element={
          <RequireAuth>
            <CurrentUserProvider>
              <SignedInRoutes />
            </CurrentUserProvider>
          </RequireAuth>
        }
      />
    </Routes>
  );
}
