import { SetMetadata } from '@nestjs/common';

export const PUBLIC_KEY = 'cruciate:public';

/** HTTP routes that need no token (health checks). Not for GraphQL operations: the schema walk rejects them. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);
