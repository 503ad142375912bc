import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { corsHeadersFor, type CorsOrigins } from './cors.js';
import { helmetHeaders } from './security-headers.js';

type ClientError = Error & { code?: string };

/** Connections answered 408 here: the request Fastify was reading on them is not a hang-up. */
export const timedOutSockets = new WeakSet<Socket>();

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser refuses some requests before Fastify sees
 * them (a request line or headers over 16 KiB, a malformed header, conflicting lengths). They get
 * the contract's error body and headers too; no request was read, so CORS can only say `*`.
 */
export function clientErrorHandler(corsOrigins: CorsOrigins) {
  const fixedHeaders = {
    ...helmetHeaders(),
    ...(corsOrigins === '*' ? corsHeadersFor(corsOrigins, undefined) : {}),
  };
  return (error: ClientError, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    if (timedOut) timedOutSockets.add(socket);
    const status = timedOut ? '408 Request Timeout' : '400 Bad Request';
    const message = timedOut
      ? 'The request took too long to arrive'
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? 'The request line or headers are too large'
        : 'The request could not be read';
    const requestId = randomUUID();
    const body = JSON.stringify({ message, code: 'bad_request', request_id: requestId });
    const headers = {
      ...fixedHeaders,
      'x-request-id': requestId,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
    };
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\r\n');
    socket.end(`HTTP/1.1 ${status}\r\n${head}\r\n\r\n${body}`);
  };
}
