// Authentication in two steps so that rate limiting can sit between them and count every request:
// `identify` (an API-wide onRequest hook) finds who a valid bearer token belongs to and never
// rejects; `scoped` route groups then answer 401/403 for requests their scope does not allow.
import fp from 'fastify-plugin';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiScope } from '@oma-insights/contracts';
import { ApiError } from '../http/errors';
import { verifySecret, type ApiToken, type Principal } from './tokens';

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: sets `request.principal` when the bearer token is valid, rejects nothing. */
    identify: onRequestHookHandler;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export default fp<{ tokens: ApiToken[] }>(
  async (app, { tokens }) => {
    app.decorateRequest('principal', null);
    app.decorate('identify', async function identify(request: FastifyRequest) {
      const presented = BEARER.exec(request.headers.authorization ?? '')?.[1];
      request.principal = (presented && verifySecret(tokens, presented)) || null;
    });
  },
  { name: 'auth' },
);

function authorize(scope: ApiScope): onRequestHookHandler {
  return async function authorizeScope(request) {
    const { principal } = request;
    if (!principal) {
      throw request.headers.authorization
        ? new ApiError(401, 'unauthorized', 'The bearer token is not valid')
        : new ApiError(401, 'unauthorized', 'Missing "Authorization: Bearer <token>" header');
    }
    if (!principal.scopes.includes(scope)) {
      throw new ApiError(
        403,
        'forbidden',
        `Token "${principal.name}" lacks the "${scope}" scope this endpoint needs`,
      );
    }
  };
}

/** A group of routes that all need `scope`: one hook for the group, not one per route. */
export function scoped(scope: ApiScope, routes: FastifyPluginAsyncTypebox): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', authorize(scope));
    await app.register(routes);
  };
}
