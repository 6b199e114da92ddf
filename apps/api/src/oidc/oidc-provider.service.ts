import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ApiConfig } from '@cruciate/config';
import { HospitalStatus, isRole, Role } from '@cruciate/contracts';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { Provider, errors as oidcErrors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { verifyPassword } from '@cruciate/db';
import type { Logger } from '../common/logger.js';
import { API_CONFIG } from '../config.token.js';
import { Db } from '../database/db.js';
import { HospitalRepository } from '../modules/hospital/hospital.repository.js';
import { hashClientSecret } from '../modules/service-account/client-secret.js';
import { ServiceAccountRepository } from '../modules/service-account/service-account.repository.js';
import { UserRepository } from '../modules/user/user.repository.js';
import { loadProviderSecrets } from './keys.js';
import { errorPage, loginPage } from './login-page.js';
import { MemoryAdapter } from './memory-adapter.js';

export const LOGGER = Symbol('LOGGER');
/** The resource indicator of the API; tokens for it carry `aud` = OIDC_AUDIENCE. */
export const API_RESOURCE = 'urn:cruciate:api';
export const API_SCOPE = 'api';

interface TokenClaims {
  hospital: string | null;
  roles: string[];
  email?: string;
  name?: string;
}

/**
 * The built-in OpenID provider (oidc-provider), mounted at /oidc. Embedded/dev/test only: with
 * OIDC_ISSUER_URL set it is not mounted and tokens come from Keycloak. It issues JWT access tokens
 * for the API resource carrying the hospital and roles claims, through Authorization Code + PKCE
 * (web client) and client_credentials (service accounts, looked up in the database).
 */
@Injectable()
export class OidcProviderService {
  private provider: Provider | null = null;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly db: Db,
    private readonly users: UserRepository,
    private readonly hospitals: HospitalRepository,
    private readonly accounts: ServiceAccountRepository,
  ) {}

  async mount(app: Express): Promise<void> {
    const provider = await this.build();
    this.provider = provider;
    const interactions = express.Router();
    interactions.use(express.urlencoded({ extended: false, limit: '16kb' }));
    interactions.get('/:uid', (req, res, next) => void this.showInteraction(req, res).catch(next));
    interactions.post('/:uid/login', (req, res, next) => void this.login(req, res).catch(next));
    interactions.get('/:uid/abort', (req, res, next) => void this.abort(req, res).catch(next));
    interactions.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      this.logger.warn({ err }, 'sign-in interaction failed');
      res.status(400).type('html').send(errorPage('Sign-in failed', 'This sign-in attempt expired or is invalid. Go back to the application and start again.'));
    });
    app.use('/oidc/interaction', interactions);
    app.use('/oidc', provider.callback());
  }

  /** Claims a token for this account carries (shared with `npm run token`). */
  async userTokenClaims(userId: string): Promise<TokenClaims | null> {
    return this.db.forSystem('identity provider builds token claims', async () => {
      const user = await this.users.findById(userId);
      if (!user) return null;
      const memberships = await this.users.membershipsOf(user.id);
      let hospital: string | null = null;
      const roles: string[] = [];
      for (const m of memberships) {
        const h = await this.hospitals.findById(m.tenantId);
        if (h && h.status === HospitalStatus.ACTIVE) {
          hospital = h.slug;
          roles.push(...m.roles.filter(isRole));
          break; // one hospital per token: the oldest active membership
        }
      }
      if (user.isPlatformAdmin) roles.push(Role.PLATFORM_ADMIN);
      return { hospital, roles, email: user.email, name: user.displayName };
    });
  }

  private async serviceAccountClaims(clientId: string): Promise<TokenClaims | null> {
    return this.db.forSystem('identity provider builds service account claims', async () => {
      const account = await this.accounts.findActiveByClientId(clientId);
      if (!account) return null;
      const hospital = await this.hospitals.findById(account.tenantId);
      return { hospital: hospital?.slug ?? null, roles: account.roles };
    });
  }

  private async build(): Promise<Provider> {
    const secrets = await loadProviderSecrets(this.config.DATA_DIR);
    const base = this.config.PUBLIC_URL;
    const tenantClaim = this.config.OIDC_TENANT_CLAIM;
    const rolesClaim = this.config.OIDC_ROLES_CLAIM;
    const audience = this.config.OIDC_AUDIENCE;

    const findServiceAccountClient = async (clientId: string) => {
      if (!clientId.startsWith('sa-')) return undefined;
      const account = await this.db.forSystem('identity provider looks up a service account client', () => this.accounts.findActiveByClientId(clientId));
      if (!account) return undefined;
      return {
        client_id: account.clientId,
        client_secret: account.secretHash,
        client_name: account.name,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: API_SCOPE,
      };
    };

    const configuration: Configuration = {
      clients: [
        {
          client_id: this.config.OIDC_WEB_CLIENT_ID,
          client_name: 'Cruciate portal',
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          redirect_uris: [`${base}/`, `${base}/auth/callback`, `${base}/auth/silent-renew.html`],
          post_logout_redirect_uris: [`${base}/`],
          scope: `openid email profile offline_access ${API_SCOPE}`,
        },
      ],
      adapter: (name: string) => {
        const memory = new MemoryAdapter(name);
        if (name !== 'Client') return memory;
        // Service accounts live in the database; clients are looked up there.
        return Object.assign(Object.create(memory) as MemoryAdapter, {
          find: async (id: string) => (await findServiceAccountClient(id)) ?? memory.find(id),
        });
      },
      findAccount: async (_ctx, id) => {
        const claims = await this.userTokenClaims(id);
        if (!claims) return undefined;
        return {
          accountId: id,
          claims: () => ({ sub: id, email: claims.email, email_verified: true, name: claims.name }),
        };
      },
      jwks: secrets.jwks,
      cookies: { keys: secrets.cookieKeys },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      scopes: ['openid', 'email', 'profile', 'offline_access', API_SCOPE],
      pkce: { required: () => true },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        revocation: { enabled: true },
        rpInitiatedLogout: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => API_RESOURCE,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, resource) => {
            if (resource !== API_RESOURCE) throw new oidcErrors.InvalidTarget();
            return { scope: API_SCOPE, audience, accessTokenFormat: 'jwt', accessTokenTTL: 3600, jwt: { sign: { alg: 'RS256' } } };
          },
        },
      },
      extraTokenClaims: async (_ctx, token) => {
        let claims: TokenClaims | null = null;
        if (token.kind === 'ClientCredentials' && token.clientId) claims = await this.serviceAccountClaims(token.clientId);
        else if ('accountId' in token && typeof token.accountId === 'string') claims = await this.userTokenClaims(token.accountId);
        if (!claims) return undefined;
        const out: Record<string, unknown> = {};
        if (claims.hospital) setClaimAt(out, tenantClaim, claims.hospital);
        setClaimAt(out, rolesClaim, claims.roles);
        if (claims.email) out['email'] = claims.email;
        if (claims.name) out['name'] = claims.name;
        return out;
      },
      // First-party clients only: consent is implied, so grant what was asked for.
      loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
        const client = ctx.oidc.client;
        const session = ctx.oidc.session;
        if (!client || !session?.accountId) return undefined;
        const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
        if (grantId) {
          const existing = await ctx.oidc.provider.Grant.find(grantId);
          if (existing) return existing;
        }
        const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
        grant.addOIDCScope(`openid email profile offline_access ${API_SCOPE}`);
        grant.addResourceScope(API_RESOURCE, API_SCOPE);
        await grant.save();
        return grant;
      },
      interactions: { url: (_ctx, interaction) => `/oidc/interaction/${interaction.uid}` },
      ttl: {
        AccessToken: 3600,
        AuthorizationCode: 60,
        ClientCredentials: 3600,
        IdToken: 3600,
        Interaction: 600,
        Session: 8 * 3600,
        Grant: 8 * 3600,
        RefreshToken: 8 * 3600,
      },
      clientBasedCORS: (_ctx, origin) => origin === new URL(base).origin,
      renderError: (ctx, out) => {
        ctx.type = 'html';
        ctx.body = errorPage('Sign-in error', String(out['error_description'] ?? out['error'] ?? 'unknown error'));
        return Promise.resolve();
      },
    };

    const provider = new Provider(this.config.issuerUrl, configuration);
    // Service account secrets are stored as SHA-256 only: hash what the client presents, then compare.
    provider.Client.prototype.compareClientSecret = function compare(this: { clientSecret?: string }, actual: string): boolean {
      const expected = Buffer.from(this.clientSecret ?? '', 'utf8');
      const presented = Buffer.from(hashClientSecret(actual), 'utf8');
      return expected.length === presented.length && timingSafeEqual(expected, presented);
    };
    provider.on('server_error', (_ctx: unknown, err: Error) => this.logger.error({ err }, 'oidc provider error'));
    return provider;
  }

  private async showInteraction(req: Request, res: Response): Promise<void> {
    const provider = this.requireProvider();
    const details = await provider.interactionDetails(req, res);
    const clientId = details.params['client_id'];
    const client = typeof clientId === 'string' ? await provider.Client.find(clientId) : undefined;
    if (details.prompt.name === 'login') {
      res.type('html').send(loginPage({ uid: details.uid, clientName: client?.clientName ?? 'Cruciate' }));
      return;
    }
    // Consent for a first-party client: implied (loadExistingGrant created the grant).
    await provider.interactionFinished(req, res, { consent: {} }, { mergeWithLastSubmission: true });
  }

  private async login(req: Request, res: Response): Promise<void> {
    const provider = this.requireProvider();
    const details = await provider.interactionDetails(req, res);
    const body = req.body as { email?: unknown; password?: unknown };
    const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const accountId = await this.checkCredentials(email, password);
    if (!accountId) {
      this.logger.info({ interaction: details.uid }, 'sign-in rejected: wrong email or password');
      res
        .status(401)
        .type('html')
        .send(loginPage({ uid: details.uid, email, error: 'Wrong email or password.', clientName: 'Cruciate' }));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
  }

  private async abort(req: Request, res: Response): Promise<void> {
    await this.requireProvider().interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'sign-in cancelled' },
      { mergeWithLastSubmission: false },
    );
  }

  private async checkCredentials(email: string, password: string): Promise<string | null> {
    if (!email || !password || password.length > 1024) return null;
    return this.db.forSystem('identity provider checks a password', async () => {
      const user = await this.users.findByEmail(email);
      const credential = user ? await this.users.findCredential(user.id) : null;
      if (!user || !credential) return null;
      return (await verifyPassword(password, credential.passwordHash)) ? user.id : null;
    });
  }

  private requireProvider(): Provider {
    if (!this.provider) throw new Error('OIDC provider not mounted');
    return this.provider;
  }
}

/** Sets a claim by dotted path (`realm_access.roles`). */
function setClaimAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = (node[key] ??= {}) as Record<string, unknown>;
    node = next;
  }
  node[keys.at(-1)!] = value;
}
