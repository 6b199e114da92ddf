import type { AuthenticatedRequest } from '../auth/current-principal.decorator.js';
import type { Loaders } from './loaders.js';

export interface GraphQLRequestContext {
  req: AuthenticatedRequest;
  loaders: Loaders;
}
