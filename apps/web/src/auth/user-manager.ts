import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { ClientConfig } from './client-config.js';

export const CALLBACK_PATH = '/auth/callback';
export const SILENT_RENEW_PATH = '/auth/silent-renew.html';

/**
 * Authorization Code + PKCE against the issuer the API names (built-in provider or Keycloak). Tokens live in
 * sessionStorage (per tab, gone with it). The scope asks for offline_access, so automatic renewal uses the refresh
 * token; the silent-renew iframe page is the fallback for issuers that issue none. The built-in provider (node
 * oidc-provider) grants offline_access only with prompt=consent, which it completes without a page for this
 * first-party client.
 */
export function createUserManager(config: ClientConfig, origin: string = window.location.origin): UserManager {
  return new UserManager({
    authority: config.issuer,
    client_id: config.clientId,
    scope: config.scope,
    response_type: 'code',
    redirect_uri: `${origin}${CALLBACK_PATH}`,
    silent_redirect_uri: `${origin}${SILENT_RENEW_PATH}`,
    post_logout_redirect_uri: `${origin}/`,
    automaticSilentRenew: true,
    ...(config.builtInIssuer ? { prompt: 'consent' } : {}),
    loadUserInfo: false,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
}
