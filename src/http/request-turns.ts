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
/** Requests waiting at most; beyond, one starts at once, as without turns. */
export const MAX_WAITING = 1024;
// Immediates queued at once: each starts at most one request per iteration.
const MAX_TURNS = 64;

/**
 * Requests are started in arrival order, at most about `turnMs` of them per event-loop iteration;
 * the rest wait for the next one. libuv accepts one connection per iteration (since 1.45, so on
 * every Node we run): when one iteration starts every ready request of 128 busy connections, a
 * new connection waits seconds for its first answer. Short iterations let it in at once.
 *
 * Reading runs ahead of the turns, so a client pipelining requests could make the queue grow
 * without end: past `maxWaiting`, a request starts at once, and its work holds up the reading.
 */
export function takingTurns(handler: Handler, turnMs = TURN_MS, maxWaiting = MAX_WAITING): Handler {
  const waiting: [IncomingMessage, ServerResponse][] = [];
  let turns = 0;
  // When the first turn of this iteration's check phase began; null until one does.
  let iterationStart: number | null = null;
  const nextIteration = () => {
    iterationStart = null;
  };
  // A turn starts the oldest request while the iteration has time left, then waits for the next
  // iteration (after libuv's poll) while requests wait.
  const turn = () => {
    const now = performance.now();
    if (iterationStart === null) {
      iterationStart = now;
      // Queued from the check phase, so it runs first in the next iteration's.
      setImmediate(nextIteration);
    }
    if (now - iterationStart < turnMs) {
      const next = waiting.shift();
      // A client that left while its request waited costs nothing more.
      if (next !== undefined && !next[0].socket.destroyed) handler(next[0], next[1]);
    }
    if (waiting.length > 0) setImmediate(turn);
    else turns -= 1;
  };
  return (request, response) => {
    if (waiting.length >= maxWaiting) {
      handler(request, response);
      return;
    }
    waiting.push([request, response]);
    if (turns < MAX_TURNS) {
      turns += 1;
      setImmediate(turn);
    }
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
