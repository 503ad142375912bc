import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productionSettings, stopServers } from '../http-client.js';
import { startServer, type RunningServer } from '../process.js';

const BUSY_CONNECTIONS = 32;
const NEW_CONNECTIONS = 32;
// Bursts measured; the best counts. A loaded machine only makes a burst wait longer, so the
// shortest wait is the server's own behaviour.
const BURSTS = 3;
// Requests each busy connection keeps in flight.
const PIPELINED = 4;
const PIPELINING_SECONDS = 5;
// Unbounded, the waiting requests grew the server by about 100 MB a second on top of what the
// flood costs anyway. Bounded, the server grows as much as without turns and then stops: on Node
// 20 by 110–180 MB in 3 s; on Node 24, which answers faster, by 250–270 MB in 3 s and 365–405 MB
// after 6–10 s (with and without turns alike, 2026-12-07). A 5 s flood of an unbounded queue
// would add about 500 MB to that.
const MAX_GROWTH_MB = 500;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** One connection writing pipelined GET /health as fast as the server reads; answers counted. */
function pipelineFor(
  server: RunningServer,
  seconds: number,
): Promise<{ answers: number; peakMb: number }> {
  const pid = Number(server.child.pid);
  const { port } = new URL(server.baseUrl);
  const burst = Buffer.from('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(2000));
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answers = 0;
    let peakMb = 0;
    let tail = '';
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => {
      const seen = tail + text;
      answers += seen.split('HTTP/1.1 200').length - 1;
      tail = seen.slice(-16);
    });
    const write = () => {
      while (socket.writable && socket.write(burst));
    };
    socket.on('connect', write);
    socket.on('drain', write);
    socket.on('error', reject);
    const sampling = setInterval(() => (peakMb = Math.max(peakMb, rssMb(pid))), 100);
    setTimeout(() => {
      clearInterval(sampling);
      socket.destroy();
      resolve({ answers, peakMb });
    }, seconds * 1000);
  });
}

/**
 * One keep-alive connection with `depth` requests for `/movies/` always in flight: a request sent
 * for every answer. Pipelined, the server has requests ready whatever the pace of this process.
 */
function keepBusy(
  server: RunningServer,
  depth: number,
  onAnswer: (status: number) => void,
): { stop: () => void } {
  const { port } = new URL(server.baseUrl);
  const ask = 'GET /movies/ HTTP/1.1\r\nHost: x\r\n\r\n';
  const socket = connect(Number(port), '127.0.0.1');
  let tail = '';
  socket.setEncoding('latin1');
  socket.on('connect', () => socket.write(ask.repeat(depth)));
  socket.on('data', (text: string) => {
    const seen = tail + text;
    let answers = 0;
    for (const [, status] of seen.matchAll(/HTTP\/1\.1 (\d{3})/g)) {
      onAnswer(Number(status));
      answers += 1;
    }
    // Shorter than a status line, so none is counted twice.
    tail = seen.slice(-11);
    if (answers > 0 && socket.writable) socket.write(ask.repeat(answers));
  });
  socket.on('error', () => {});
  return { stop: () => socket.destroy() };
}

function get(server: RunningServer): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = request(`${server.baseUrl}/movies/`, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    sent.on('error', reject);
    sent.end();
  });
}

// libuv accepts one connection per event-loop iteration. If one iteration started every ready
// request of the busy connections, each new connection would wait behind a round of all of them.
//
// On SQLite whatever the suite's database: the turns are the HTTP layer's, and only answers that
// keep the main thread busy show them. On PostgreSQL an answer waits for the database and an
// iteration holds few ready requests (with one request in flight per busy connection the burst
// waited behind 59–64 answers without turns and 124–146 with them, 2026-12-07).
describe('Attack: a burst of new connections while keep-alive clients keep the server busy', () => {
  let server: RunningServer;
  const directory = mkdtempSync(join(tmpdir(), 'movies-burst-'));

  before(async () => {
    const file = join(directory, 'movies.db');
    // The cache off: every answer is a query, so the busy connections keep a core busy.
    server = await startServer(
      productionSettings(`sqlite:${file}`, { CATALOG_READ: 'public', RESPONSE_CACHE_MB: '0' }),
    );
  });
  after(async () => {
    await stopServers(server);
    rmSync(directory, { recursive: true, force: true });
  });

  it('When 32 new connections arrive at once beside 32 busy ones, then each is answered within a few rounds of the busy ones, not behind 32 of them', async (t) => {
    let busyAnswers = 0;
    const statuses = new Set<number>();
    const busy = Array.from({ length: BUSY_CONNECTIONS }, () =>
      keepBusy(server, PIPELINED, (status) => {
        statuses.add(status);
        busyAnswers += 1;
      }),
    );
    // Until every busy connection has had answers: the server is saturated.
    while (busyAnswers < BUSY_CONNECTIONS * 20) await new Promise((r) => setTimeout(r, 10));
    const bursts: number[] = [];
    for (let burst = 0; burst < BURSTS; burst += 1) {
      const startedAt = busyAnswers;
      const waitedFor = await Promise.all(
        Array.from({ length: NEW_CONNECTIONS }, async () => {
          statuses.add(await get(server));
          return busyAnswers - startedAt;
        }),
      );
      bursts.push(Math.max(...waitedFor));
    }
    for (const connection of busy) connection.stop();
    const longest = Math.min(...bursts);
    t.diagnostic(
      `busy answers given while ${NEW_CONNECTIONS} new connections waited, the longest of each burst: ${bursts.join(', ')}`,
    );
    assert.deepEqual([...statuses], [200]);
    // Taking turns, an iteration starts a millisecond of requests: a few busy answers per accept
    // (235–254 for the burst, 2026-12-07). Starting every ready request, an iteration answers all
    // 128 in flight before the next accept (2,205–2,725 for the burst without turns).
    const limit = 8 * BUSY_CONNECTIONS * PIPELINED;
    assert.ok(longest < limit, `the last new connection waited behind ${longest}`);
  });

  it('When one client pipelines requests without pause, then the requests waiting for a turn stay bounded and another client is answered', async (t) => {
    const before = rssMb(Number(server.child.pid));
    const [flood, other] = await Promise.all([
      pipelineFor(server, PIPELINING_SECONDS),
      // Another client, a second into the flood; 0 if it is not answered within 10 s.
      new Promise((resolve) => setTimeout(resolve, 1000)).then(() =>
        fetch(`${server.baseUrl}/health`, { signal: AbortSignal.timeout(10_000) }).then(
          (response) => response.status,
          () => 0,
        ),
      ),
    ]);
    const growth = flood.peakMb - before;
    t.diagnostic(
      `RSS ${before.toFixed(0)} MB before, peak ${flood.peakMb.toFixed(0)} MB; ${flood.answers} pipelined answers`,
    );
    assert.equal(other, 200);
    assert.ok(flood.answers > 0);
    assert.ok(growth < MAX_GROWTH_MB, `RSS grew by ${growth.toFixed(0)} MB`);
  });
});
