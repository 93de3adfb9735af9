import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** A request slower than this is logged at warn whatever its outcome. */
export const SLOW_REQUEST_MS = 1000;

/**
 * Fastify's per-request lines at a level that says whether anyone should look: server errors at
 * error, slow requests at warn, refused ones at info, routine ones (and arrivals) at debug.
 */
export class RequestLog extends LogController {
  constructor(private readonly slowMs = SLOW_REQUEST_MS) {
    super();
  }

  override incomingRequest(request: FastifyRequest) {
    request.log.debug({ method: request.method, url: request.url.split('?')[0] }, 'incoming request');
  }

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply) {
    const ms = Math.round(reply.elapsedTime);
    const line = { method: request.method, url: request.url.split('?')[0], status: reply.statusCode, ms };
    if (error || reply.statusCode >= 500)
      reply.log.error({ ...line, err: error ?? undefined }, 'request failed');
    else if (ms >= this.slowMs) reply.log.warn(line, 'slow request');
    else if (reply.statusCode >= 400) reply.log.info(line, 'request refused');
    else reply.log.debug(line, 'request completed');
  }
}
