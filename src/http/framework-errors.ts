import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { corsHeadersFor, type CorsOrigins } from './cors.js';
import { sendError } from './error-handler.js';
import { helmetHeaders } from './security-headers.js';

const MESSAGE_BY_ROUTER_CODE: Record<string, string> = {
  FST_ERR_BAD_URL: 'The path is not valid percent-encoded UTF-8',
  FST_ERR_MAX_PARAM_LENGTH: 'A path segment is too long',
};

/**
 * Fastify's `frameworkErrors`: the router answers these before any hook runs, so the headers
 * every other answer gets from hooks (security, CORS) are set here.
 */
export function frameworkErrorHandler(corsOrigins: CorsOrigins) {
  const securityHeaders = helmetHeaders();
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const message = MESSAGE_BY_ROUTER_CODE[error.code];
    const appError = message
      ? new AppError(400, 'bad_request', message)
      : new AppError(500, 'internal_error', 'Internal server error');
    if (appError.statusCode >= 500)
      request.log.error({ reqId: request.id, err: error }, 'request failed');
    else request.log.info({ reqId: request.id, status: 400, code: error.code }, message);
    reply.headers(securityHeaders);
    reply.header('x-request-id', request.id);
    reply.headers(corsHeadersFor(corsOrigins, request.headers.origin));
    void sendError(reply, appError);
  };
}
