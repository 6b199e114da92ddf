import { createHash, randomBytes } from 'node:crypto';

export interface PkceSignIn {
  readonly accessToken: string;
  readonly idToken: string | undefined;
  readonly refreshToken: string | undefined;
  /** HTML of the sign-in page as the browser saw it. */
  readonly loginPageHtml: string;
}

/** A minimal cookie jar: what a browser would send back to the same server. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * Signs in through the built-in provider exactly as a browser does: Authorization Code + PKCE (S256),
 * the real sign-in page and form post, redirects with cookies, then the code exchange at /oidc/token.
 */
export async function signInWithPkce(baseUrl: string, email: string, password: string, clientId = 'cruciate-web'): Promise<PkceSignIn> {
  const jar = new CookieJar();
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(8).toString('hex');
  const redirectUri = `${baseUrl}/auth/callback`;
  const authUrl = new URL(`${baseUrl}/oidc/auth`);
  authUrl.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid email profile api',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    nonce: randomBytes(8).toString('hex'),
  }).toString();

  const go = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
    jar.take(res);
    return res;
  };
  const follow = (res: Response): string => {
    const loc = res.headers.get('location');
    if (!loc || res.status < 300 || res.status >= 400) throw new Error(`expected a redirect, got ${res.status}`);
    return new URL(loc, baseUrl).toString();
  };

  const interactionUrl = follow(await go(authUrl.toString()));
  const page = await go(interactionUrl);
  const loginPageHtml = await page.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(loginPageHtml)?.[1];
  if (!action) throw new Error(`sign-in page has no form (HTTP ${page.status})`);
  const posted = await go(new URL(action.replace(/&amp;/g, '&'), baseUrl).toString(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }).toString(),
  });
  if (posted.status === 401) throw new Error('sign-in rejected: wrong email or password');
  let next = follow(posted);
  for (let hops = 0; hops < 5 && !next.startsWith(redirectUri); hops++) {
    next = follow(await go(next));
  }
  const callback = new URL(next);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in callback: ${callback.searchParams.get('error') ?? ''} ${callback.searchParams.get('error_description') ?? ''}`);
  if (callback.searchParams.get('state') !== state) throw new Error('state mismatch');
  const tokenRes = await fetch(`${baseUrl}/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier }).toString(),
  });
  const body = (await tokenRes.json()) as { access_token?: string; id_token?: string; refresh_token?: string; error?: string; error_description?: string };
  if (!body.access_token) throw new Error(`token exchange failed: ${body.error ?? tokenRes.status} ${body.error_description ?? ''}`);
  return { accessToken: body.access_token, idToken: body.id_token, refreshToken: body.refresh_token, loginPageHtml };
}

/** client_credentials with HTTP Basic client authentication. */
export async function clientCredentialsToken(baseUrl: string, clientId: string, secret: string): Promise<string> {
  const res = await fetch(`${baseUrl}/oidc/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
  });
  const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!body.access_token) throw new Error(`client_credentials failed: ${body.error ?? res.status} ${body.error_description ?? ''}`);
  return body.access_token;
}
