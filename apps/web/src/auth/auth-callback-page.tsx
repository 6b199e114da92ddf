import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import type { UserManager } from 'oidc-client-ts';
import { useAuth, type SignInState } from './auth-context.js';

// The authorization code can be redeemed once: React's development double effects must share one attempt.
const completions = new Map<string, Promise<string>>();

function returnToOf(state: unknown): string {
  if (typeof state === 'object' && state !== null && 'returnTo' in state) {
    const { returnTo } = state as SignInState;
    // Only same-origin paths: never an open redirect.
    if (typeof returnTo === 'string' && returnTo.startsWith('/') && !returnTo.startsWith('//') && !returnTo.startsWith('/auth/')) return returnTo;
  }
  return '/';
}

function completeSignIn(userManager: UserManager, url: string): Promise<string> {
  let completion = completions.get(url);
  if (!completion) {
    completion = userManager.signinRedirectCallback(url).then((user) => returnToOf(user.state));
    completions.set(url, completion);
  }
  return completion;
}

/** `/auth/callback`: redeems the authorization code, then goes back where sign-in started. */
export function AuthCallbackPage() {
  const { userManager, signIn } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    completeSignIn(userManager, window.location.href).then(
      (returnTo) => {
        void navigate(returnTo, { replace: true });
      },
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  }, [userManager, navigate]);

  if (error) {
    return (
      <main className="centered-page">
        <div className="panel" role="alert">
          <h1>Sign-in failed</h1>
          <p>{error}</p>
          <button type="button" className="button primary" onClick={() => void signIn('/')}>
            Sign in again
          </button>
        </div>
      </main>
    );
  }
  return (
    <main className="centered-page">
      <p role="status">Signing in…</p>
    </main>
  );
}
