import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/** The headers helmet sets with its defaults, worked out once instead of on every request. */
export function helmetHeaders(): Readonly<Record<string, string>> {
  const headers = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers.set(name.toLowerCase(), String(value));
    },
    removeHeader: (name: string) => {
      headers.delete(name.toLowerCase());
    },
  };
  helmet()({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return Object.freeze(Object.fromEntries(headers));
}

export function registerSecurityHeaders(app: FastifyInstance): void {
  const headers = Object.entries(helmetHeaders());
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of headers) reply.header(name, value);
    done();
  });
}
