// Clients that trickle a request or hang up half-way, over raw sockets to a real server process.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { call, parseRawAnswer, productionServers } from '../http-client.js';
import type { RunningServer } from '../process.js';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Trickled {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly elapsedMs: number;
  readonly bytesSent: number;
}

/** Opens a socket, sends `head` at once, then `tail` one byte every `everyMs` until closed. */
function trickle(
  server: RunningServer,
  head: string,
  tail: string,
  everyMs: number,
): Promise<Trickled> {
  const { hostname, port } = new URL(server.baseUrl);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const socket: Socket = connect(Number(port), hostname, () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent < tail.length && socket.writable) socket.write(tail[sent++] ?? '');
      }, everyMs);
    });
    let raw = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (raw += chunk));
    socket.on('close', () => {
      clearInterval(timer);
      const { status, body } = parseRawAnswer(raw);
      resolve({
        status,
        body: body ? (JSON.parse(body) as Record<string, unknown>) : {},
        elapsedMs: Date.now() - started,
        bytesSent: sent,
      });
    });
    socket.on('error', () => {});
    socket.setTimeout(30_000, () => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error('the server held the trickling connection past 30 s'));
    });
  });
}

const BODY = JSON.stringify({ username: 'slow', password: 'x'.repeat(59_950) });

describe('Slow clients (one server process, a 1.5 s request deadline)', () => {
  const server = productionServers({ settings: { REQUEST_TIMEOUT_MS: '1500' } });

  it('When a 60 KB body trickles in one byte at a time, then 408 with the contract body at the deadline', async (t) => {
    const head =
      'POST /auth/ HTTP/1.1\r\nHost: x\r\nX-Request-Id: trickle-408\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(BODY)}\r\n\r\n`;
    const answer = await trickle(server, head, BODY, 50);
    t.diagnostic(`408 after ${answer.elapsedMs} ms and ${answer.bytesSent} body bytes`);
    assert.equal(answer.status, 408);
    assert.deepEqual(Object.keys(answer.body).sort(), ['code', 'message', 'request_id']);
    assert.equal(answer.body.code, 'bad_request');
    assert.ok(answer.bytesSent < Buffer.byteLength(BODY), 'the body never finished');
    await delay(300);
    const logged = server
      .logs()
      .split('\n')
      .filter((line) => line.includes('trickle-408'))
      .map((line) => JSON.parse(line) as { level: number; msg?: string });
    assert.equal(logged.length, 1, JSON.stringify(logged));
    assert.equal(logged[0]?.level, 30);
    assert.match(String(logged[0]?.msg), /408/);
  });

  it('When the headers trickle in, then 408 likewise', async () => {
    const answer = await trickle(
      server,
      'GET /health HTTP/1.1\r\n',
      'X-Slow: ' + 'a'.repeat(5000),
      50,
    );
    assert.equal(answer.status, 408);
    assert.equal(answer.body.code, 'bad_request');
  });

  it('When a client hangs up half-way through a body, then it is logged once, at info, without a stack', async () => {
    const { hostname, port } = new URL(server.baseUrl);
    const socket = connect(Number(port), hostname);
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /auth/ HTTP/1.1\r\nHost: x\r\nX-Request-Id: hang-up-once\r\n' +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"username":',
    );
    await delay(200);
    socket.destroy();
    const linesOf = () =>
      server
        .logs()
        .split('\n')
        .filter((line) => line.includes('hang-up-once'))
        .map((line) => JSON.parse(line) as { level: number; msg?: string; err?: unknown });
    for (let waited = 0; linesOf().length === 0 && waited < 5000; waited += 50) await delay(50);
    await delay(300);
    const lines = linesOf();
    assert.equal(lines.length, 1, JSON.stringify(lines));
    assert.equal(lines[0]?.level, 30, 'info');
    assert.doesNotMatch(JSON.stringify(lines[0]), /stack|\bat .*\(/);
  });

  it('When slow clients have been cut off, then the server still answers', async () => {
    const health = await call(server, 'GET', '/health');
    assert.equal(health.status, 200);
  });
});
