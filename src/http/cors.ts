import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

export const CORS_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * CORS for browser clients on other origins (the movie website). Preflights are answered on
 * every path before authentication; the headers are set in onRequest, so errors carry them too.
 */
export async function registerCors(
  app: FastifyInstance,
  origins: '*' | string[] | null,
): Promise<void> {
  if (origins === null) return;
  await app.register(cors, {
    origin: origins === '*' ? '*' : origins,
    methods: CORS_METHODS,
    allowedHeaders: ['Authorization', 'Content-Type'],
    exposedHeaders: ['Link', 'Location', 'Retry-After', 'WWW-Authenticate'],
    maxAge: 600,
    strictPreflight: false,
  });
}
