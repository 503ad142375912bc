import type { FastifyInstance } from 'fastify';

const VERBOSE = ['debug', 'trace'];
// A log line names the request, it does not archive it: junk query strings are cut short.
const MAX_LOGGED_URL = 1024;
const loggedUrl = (url: string): string =>
  url.length > MAX_LOGGED_URL ? `${url.slice(0, MAX_LOGGED_URL)}…` : url;
const QUIET = ['warn', 'error', 'fatal', 'silent'];

/** "incoming request" at debug, one "request completed" line at info. */
export function registerRequestLogging(app: FastifyInstance): void {
  // The level is fixed at startup, so the checks are made once here.
  if (VERBOSE.includes(app.log.level)) {
    app.addHook('onRequest', (request, _reply, done) => {
      request.log.debug(
        { reqId: request.id, method: request.method, url: loggedUrl(request.url), ip: request.ip },
        'incoming request',
      );
      done();
    });
  }
  if (QUIET.includes(app.log.level)) return;
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        reqId: request.id,
        method: request.method,
        url: loggedUrl(request.url),
        statusCode: reply.statusCode,
        responseTime: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request completed',
    );
    done();
  });
}
