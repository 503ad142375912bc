// The baseline: a bare node:http server that answers the benchmarked routes with bytes recorded
// from the real service (same status, same body size) and checks nothing.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

export interface RecordedResponse {
  method: string;
  /** Whether the request carried an Authorization header (the same URL may be asked both ways). */
  authorized: boolean;
  /** Path with query string; a trailing "*" matches any rest (DELETE /genres/*). */
  path: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

const [recordingFile, portText = '0'] = process.argv.slice(2);
if (!recordingFile) throw new Error('usage: baseline-server <recording.json> [port]');
const recorded = JSON.parse(readFileSync(recordingFile, 'utf8')) as RecordedResponse[];
const exact = new Map<string, { status: number; headers: Record<string, string>; body: Buffer }>();
const prefixes: [string, { status: number; headers: Record<string, string>; body: Buffer }][] = [];
for (const response of recorded) {
  const prepared = {
    status: response.status,
    headers: response.headers,
    body: Buffer.from(response.body, 'utf8'),
  };
  const key = `${response.authorized ? 'A' : '-'} ${response.method} ${response.path}`;
  if (key.endsWith('*')) prefixes.push([key.slice(0, -1), prepared]);
  else exact.set(key, prepared);
}

const server = createServer((request, reply) => {
  const key = `${request.headers.authorization ? 'A' : '-'} ${request.method} ${request.url}`;
  const found = exact.get(key) ?? prefixes.find(([prefix]) => key.startsWith(prefix))?.[1];
  request.resume();
  request.on('end', () => {
    if (!found) {
      reply.writeHead(404).end();
      return;
    }
    reply.writeHead(found.status, { ...found.headers, 'content-length': found.body.length });
    reply.end(found.body);
  });
});
server.keepAliveTimeout = 72_000;
server.listen(Number(portText), '127.0.0.1', () => {
  const address = server.address();
  console.log(
    `baseline listening on ${typeof address === 'object' && address ? address.port : portText}`,
  );
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
