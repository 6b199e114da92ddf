import { useEffect, useState } from 'react';

type Health = { status: string } | null;

/** Portal shell. Sign-in, worklist and viewer arrive with the clinician portal issue. */
export function App() {
  const [health, setHealth] = useState<Health>(null);
  useEffect(() => {
    fetch('/health/ready')
      .then((r) => r.json() as Promise<{ status: string }>)
      .then(setHealth)
      .catch(() => setHealth({ status: 'unreachable' }));
  }, []);
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 720, margin: '3rem auto', padding: '0 1rem' }}>
      <h1>Cruciate</h1>
      <p>AI-assisted knee MRI review.</p>
      <p role="status">Platform: {health ? health.status : 'checking…'}</p>
      <p style={{ background: '#fef3c7', padding: '0.5rem 0.75rem', borderRadius: 6 }}>Research/demo software — the bundled model is not for clinical use.</p>
      <p>
        Identity provider: <a href="/oidc/.well-known/openid-configuration">OpenID configuration</a>
      </p>
    </main>
  );
}
