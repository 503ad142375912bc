import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { startServer, tempDatabase } from '../process.js';
import { nextLinkShape } from '../links.js';

const REQUESTS = 12_000;
const PARALLEL = 16;
const PAD_CHARACTERS = 10 * 1024;
// Unfixed, this flood grows the process by well over 150 MB; bounded caches keep it to a few.
const MAX_GROWTH_MB = 80;

const drops: (() => Promise<void>)[] = [];
after(async () => {
  for (const drop of drops) await drop();
});

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

// Well-formed HS256 tokens with a unique payload and a wrong signature: half short enough to be
// verified (and fail), half longer than any token of ours.
function junkToken(index: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const padding = 'p'.repeat(index % 2 === 0 ? 1200 : 4000);
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ index, padding })}.${'A'.repeat(43)}`;
}

describe('A flood of unique junk reads against a real server', () => {
  it('When 16 clients send thousands of reads with unique junk parameters and tokens, then memory stays bounded and the server answers normally', async (t) => {
    const database = await tempDatabase();
    drops.push(database.drop);
    const server = await startServer({
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      JWT_SECRET: randomBytes(48).toString('base64'),
      CATALOG_READ: 'public',
    });
    // Request logs carry the junk too: read and dropped here, not kept in this test's memory.
    server.child.stdout?.removeAllListeners('data').resume();
    server.child.stderr?.removeAllListeners('data').resume();
    const pid = Number(server.child.pid);
    try {
      for (let i = 0; i < 200; i += 1) await (await fetch(`${server.baseUrl}/genres/`)).text();
      const before = rssMb(pid);
      const statuses = new Map<number, number>();
      let next = 0;
      await Promise.all(
        Array.from({ length: PARALLEL }, async () => {
          while (next < REQUESTS) {
            const index = next++;
            const pad = `${index}-`.padEnd(PAD_CHARACTERS, 'x');
            const response = await fetch(`${server.baseUrl}/genres/?page=99999&pad=${pad}`, {
              headers: { authorization: `Bearer ${junkToken(index)}` },
            });
            await response.text();
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          }
        }),
      );
      const growth = rssMb(pid) - before;
      t.diagnostic(`RSS ${before.toFixed(0)} MB before, grew by ${growth.toFixed(0)} MB`);
      assert.deepEqual(Object.fromEntries(statuses), { 200: REQUESTS });
      assert.ok(growth < MAX_GROWTH_MB, `RSS grew by ${growth.toFixed(0)} MB`);

      const normal = await fetch(`${server.baseUrl}/genres/?per_page=3&_=1`);
      assert.equal(normal.status, 200);
      assert.equal(((await normal.json()) as unknown[]).length, 3);
      assert.equal(nextLinkShape(normal.headers.get('link')), '/genres/?per_page=3&after=*');
      assert.equal((await fetch(`${server.baseUrl}/health`)).status, 200);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
