import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { ApiConfig } from '@cruciate/config';
import { Public } from '../../auth/public.decorator.js';
import { API_CONFIG } from '../../config.token.js';
import { API_SCOPE } from '../../oidc/oidc-provider.service.js';

export interface ClientConfig {
  /** OpenID issuer the portal signs in with (built-in provider or Keycloak). */
  readonly issuer: string;
  readonly clientId: string;
  readonly scope: string;
  readonly builtInIssuer: boolean;
}

/** What the web portal needs before sign-in (public: nothing secret). */
@Controller('api')
export class ClientConfigController {
  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  @Get('client-config')
  @Public()
  @Header('cache-control', 'no-cache')
  clientConfig(): ClientConfig {
    return {
      issuer: this.config.issuerUrl,
      clientId: this.config.OIDC_WEB_CLIENT_ID,
      scope: `openid email profile offline_access ${API_SCOPE}`,
      builtInIssuer: this.config.isBuiltInIssuer,
    };
  }
}
