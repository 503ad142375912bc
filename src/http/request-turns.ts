import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** Work an event-loop iteration starts before it lets libuv poll again. */
export const TURN_MS = 1;

/**
 * Requests are started in arrival order, at most about `turnMs` of them per event-loop iteration;
 * the rest wait for the next one. libuv accepts one connection per iteration (since 1.45, so on
 * every Node we run): when one iteration starts every ready request of 128 busy connections, a
 * new connection waits seconds for its first answer. Short iterations let it in at once.
 */
export function takingTurns(handler: Handler, turnMs = TURN_MS): Handler {
  const waiting: [IncomingMessage, ServerResponse][] = [];
  // When the first turn of this iteration's check phase began; null until one does.
  let iterationStart: number | null = null;
  const nextIteration = () => {
    iterationStart = null;
  };
  // One immediate per waiting request, each starting the oldest: a turn that finds the
  // iteration's time spent goes to the next iteration, after libuv's poll.
  const turn = () => {
    const now = performance.now();
    if (iterationStart === null) {
      iterationStart = now;
      // Queued from the check phase, so it runs first in the next iteration's.
      setImmediate(nextIteration);
    }
    if (now - iterationStart >= turnMs) {
      setImmediate(turn);
      return;
    }
    const next = waiting.shift();
    if (!next) return;
    const [request, response] = next;
    // A client that left while its request waited costs nothing more.
    if (request.socket.destroyed) return;
    handler(request, response);
  };
  return (request, response) => {
    waiting.push([request, response]);
    setImmediate(turn);
  };
}

/** Fastify's `serverFactory`: the HTTP/1.1 server Fastify would make, its requests in turns. */
export function serverTakingTurns(handler: Handler, options: Record<string, unknown>): Server {
  // Fastify passes its options with their defaults filled in.
  const setting = (name: string): number | undefined =>
    typeof options[name] === 'number' ? options[name] : undefined;
  const server = createServer((options.http ?? {}) as ServerOptions, takingTurns(handler));
  server.keepAliveTimeout = setting('keepAliveTimeout') ?? server.keepAliveTimeout;
  server.requestTimeout = setting('requestTimeout') ?? server.requestTimeout;
  server.setTimeout(setting('connectionTimeout') ?? 0);
  const perSocket = setting('maxRequestsPerSocket') ?? 0;
  if (perSocket > 0) server.maxRequestsPerSocket = perSocket;
  return server;
}
