import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { ApiScope } from '@oma-insights/contracts';
import { ApiError } from '../http/errors';
import { verifySecret, type ApiToken, type Principal } from './tokens';

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook that lets a request through only with a bearer token holding `scope`. */
    requireScope(scope: ApiScope): onRequestHookHandler;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export default fp<{ tokens: ApiToken[] }>(
  async (app, { tokens }) => {
    app.decorateRequest('principal', null);
    app.decorate('requireScope', (scope: ApiScope) => {
      return async function authorize(request: FastifyRequest, _reply: FastifyReply) {
        const header = request.headers.authorization;
        if (!header)
          throw new ApiError(401, 'unauthorized', 'Missing "Authorization: Bearer <token>" header');
        const presented = BEARER.exec(header)?.[1];
        const principal = presented ? verifySecret(tokens, presented) : undefined;
        if (!principal) throw new ApiError(401, 'unauthorized', 'The bearer token is not valid');
        if (!principal.scopes.includes(scope)) {
          throw new ApiError(
            403,
            'forbidden',
            `Token "${principal.name}" lacks the "${scope}" scope this endpoint needs`,
          );
        }
        request.principal = principal;
      };
    });
  },
  { name: 'auth' },
);
