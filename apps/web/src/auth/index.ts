export { AuthContext, AuthProvider, SIGNED_OUT_KEY, useAuth, type AuthContextValue, type AuthStatus, type SignInState } from './auth-context.js';
export { AuthCallbackPage } from './auth-callback-page.js';
export { fetchClientConfig, type ClientConfig } from './client-config.js';
export { RequireAuth } from './require-auth.js';
export { CALLBACK_PATH, SILENT_RENEW_PATH, createUserManager } from './user-manager.js';
