import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

export const CORS_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const EXPOSED_HEADERS = [
  'ETag',
  'Link',
  'Location',
  'Preference-Applied',
  'Retry-After',
  'WWW-Authenticate',
  'X-Request-Id',
  'X-Total-Count',
];

export type CorsOrigins = '*' | string[] | null;

/**
 * CORS for browser clients on other origins (the movie website). Preflights are answered on
 * every path before authentication; the headers are set in onRequest, so errors carry them too.
 */
export async function registerCors(app: FastifyInstance, origins: CorsOrigins): Promise<void> {
  if (origins === null) return;
  await app.register(cors, {
    origin: origins === '*' ? '*' : origins,
    methods: CORS_METHODS,
    allowedHeaders: ['Authorization', 'Content-Type', 'If-None-Match', 'Prefer'],
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
    strictPreflight: false,
  });
}

/**
 * The headers @fastify/cors puts on an ordinary (not preflight) answer, for the answers its hook
 * never sees: paths the router could not read.
 */
export function corsHeadersFor(
  origins: CorsOrigins,
  requestOrigin: string | undefined,
): Record<string, string> {
  if (origins === null) return {};
  const headers: Record<string, string> = {};
  if (origins !== '*') headers.vary = 'Origin';
  const allowed =
    origins === '*' ? '*' : requestOrigin && origins.includes(requestOrigin) ? requestOrigin : null;
  if (allowed) headers['access-control-allow-origin'] = allowed;
  headers['access-control-expose-headers'] = EXPOSED_HEADERS.join(', ');
  return headers;
}
