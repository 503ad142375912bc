import type { FastifyInstance } from 'fastify';

const VERBOSE = ['debug', 'trace'];
const QUIET = ['warn', 'error', 'fatal', 'silent'];

/** "incoming request" at debug, one "request completed" line at info. */
export function registerRequestLogging(app: FastifyInstance): void {
  // The level is fixed at startup, so the checks are made once here.
  if (VERBOSE.includes(app.log.level)) {
    app.addHook('onRequest', (request, _reply, done) => {
      request.log.debug(
        { method: request.method, url: request.url, ip: request.ip },
        'incoming request',
      );
      done();
    });
  }
  if (QUIET.includes(app.log.level)) return;
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        responseTime: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request completed',
    );
    done();
  });
}
