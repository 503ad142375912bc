import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { TestDatabase } from '../helpers.js';
import { productionSettings, stopServers } from '../http-client.js';
import { startServer, tempDatabase, type RunningServer } from '../process.js';

const BUSY_CONNECTIONS = 32;
const NEW_CONNECTIONS = 32;

function get(server: RunningServer, agent: Agent | false): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = request(`${server.baseUrl}/movies/`, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    sent.on('error', reject);
    sent.end();
  });
}

// libuv accepts one connection per event-loop iteration. If one iteration started every ready
// request of the busy connections, each new connection would wait behind a round of all of them.
describe('Attack: a burst of new connections while keep-alive clients keep the server busy', () => {
  let database: TestDatabase;
  let server: RunningServer;

  before(async () => {
    database = await tempDatabase();
    // The cache off: every answer is a query, so the busy connections keep a core busy.
    server = await startServer(
      productionSettings(database.url, { CATALOG_READ: 'public', RESPONSE_CACHE_MB: '0' }),
    );
  });
  after(async () => {
    await stopServers(server);
    await database.drop();
  });

  it('When 32 new connections arrive at once beside 32 busy ones, then each is answered within a few rounds of the busy ones, not behind 32 of them', async (t) => {
    const agent = new Agent({ keepAlive: true, maxSockets: BUSY_CONNECTIONS });
    let busyAnswers = 0;
    let running = true;
    const statuses = new Set<number>();
    const busy = Array.from({ length: BUSY_CONNECTIONS }, async () => {
      while (running) {
        statuses.add(await get(server, agent));
        busyAnswers += 1;
      }
    });
    // Until every busy connection has had answers: the server is saturated.
    while (busyAnswers < BUSY_CONNECTIONS * 20) await new Promise((r) => setTimeout(r, 10));
    const startedAt = busyAnswers;
    const waitedFor = await Promise.all(
      Array.from({ length: NEW_CONNECTIONS }, async () => {
        statuses.add(await get(server, false));
        return busyAnswers - startedAt;
      }),
    );
    running = false;
    await Promise.all(busy);
    agent.destroy();
    const longest = Math.max(...waitedFor);
    t.diagnostic(
      `busy answers given while the ${NEW_CONNECTIONS} new connections waited: longest ${longest}`,
    );
    assert.deepEqual([...statuses], [200]);
    // Taking turns, an iteration starts a millisecond of requests: a few busy answers per
    // accept. One accept per round of every busy connection would be about 32 × 32 = 1,024.
    assert.ok(longest < 8 * BUSY_CONNECTIONS, `the last new connection waited behind ${longest}`);
  });
});
