import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { AppMetrics } from './app-metrics.js';

export interface MetricsRoutesOptions {
  readonly metrics: AppMetrics;
  /** The METRICS_TOKEN a scraper must send as its Bearer token. */
  readonly token: string;
}

/** The route label of requests no route matched: one series, however many URLs are tried. */
export const UNMATCHED_ROUTE = 'unmatched';

const BEARER = /^Bearer(?:\s+(.*))?$/i;

const refusal = (challenge: string, message: string) =>
  new AppError(401, 'unauthorized', message, undefined, { 'www-authenticate': challenge });

const NO_TOKEN = refusal('Bearer', 'Authentication required');
const NOT_BEARER = refusal('Bearer', 'Authorization must use the Bearer scheme');
const BAD_TOKEN = refusal('Bearer error="invalid_token"', 'Invalid metrics token');

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Times every answer by the route pattern it matched (registered before the routes). */
export function recordRequestDurations(app: FastifyInstance, metrics: AppMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

/** GET /metrics in the Prometheus text format, for the holder of METRICS_TOKEN only. */
export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (
  app,
  { metrics, token },
) => {
  const expected = sha256(token);
  // Digests have one length whatever is sent, so the comparison takes one time too.
  const requireToken = async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (header === undefined) throw NO_TOKEN;
    const match = BEARER.exec(header);
    if (!match) throw NOT_BEARER;
    if (!timingSafeEqual(sha256((match[1] ?? '').trim()), expected)) throw BAD_TOKEN;
  };

  app.get('/metrics', {
    // An operator's endpoint, off unless configured: not in the public API document.
    schema: { hide: true },
    onRequest: requireToken,
    handler: async (_request, reply) => {
      const body = await metrics.registry.metrics();
      return reply
        .header('content-type', metrics.registry.contentType)
        .header('cache-control', 'no-store')
        .send(body);
    },
  });
};
