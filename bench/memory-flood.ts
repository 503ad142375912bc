// npx tsx bench/memory-flood.ts: RSS of a production server before and after a flood of
// catalog reads that each carry a unique 12 KB junk query parameter (and a junk bearer token).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { MOVIE_LIMITS } from '../src/shared/limits.js';

const REQUESTS = Number(process.env.FLOOD_REQUESTS ?? 30_000);
const PARALLEL = Number(process.env.FLOOD_PARALLEL ?? 16);
const PAD_BYTES = Number(process.env.FLOOD_PAD_BYTES ?? 12 * 1024);
const JUNK_TOKENS = process.env.FLOOD_JUNK_TOKENS !== 'false';
const TOKEN_PAD = Number(process.env.FLOOD_TOKEN_PAD ?? 2500);
const KNOWN_KEYS = process.env.FLOOD_KNOWN === 'true';
const LOG_LEVEL = process.env.FLOOD_LOG_LEVEL ?? 'warn';

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

// A well-formed HS256 token with a unique payload and a wrong signature: it decodes, then fails.
function junkToken(index: number, padding: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ i: index, pad: padding.slice(0, TOKEN_PAD) })}.${'A'.repeat(43)}`;
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

const folder = mkdtempSync(join(tmpdir(), 'movies-flood-'));
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
// LOG_LEVEL warn by default: request lines of 12 KB each would also measure the log pipe.
const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL: process.env.FLOOD_DATABASE_URL ?? `sqlite:${join(folder, 'movies.db')}`,
    JWT_SECRET: randomBytes(48).toString('base64'),
    CATALOG_READ: 'public',
    LOG_LEVEL,
  },
});
const pid = Number(child.pid);
try {
  for (let ready = false; !ready;) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    ready = await fetch(`${url}/health`).then(
      (response) => response.ok,
      () => false,
    );
  }
  for (let i = 0; i < 200; i += 1) await (await fetch(`${url}/genres/`)).arrayBuffer();
  const before = rssMb(pid, 'VmRSS');
  const statuses = new Map<number, number>();
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < REQUESTS) {
        const index = next++;
        const pad = `${index}-${randomBytes(PAD_BYTES / 2).toString('hex')}`.slice(0, PAD_BYTES);
        const headers: Record<string, string> = JUNK_TOKENS
          ? { authorization: `Bearer ${junkToken(index, pad)}` }
          : {};
        // FLOOD_KNOWN=true: unique values of a known parameter instead (each a real cache key).
        const path = KNOWN_KEYS
          ? `/movies/?q=${encodeURIComponent(pad.slice(0, MOVIE_LIMITS.title.max))}`
          : `/genres/?page=99999&pad=${pad}`;
        const response = await fetch(`${url}${path}`, { headers });
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  const after = rssMb(pid, 'VmRSS');
  const peak = rssMb(pid, 'VmHWM');
  const normal = await fetch(`${url}/genres/?per_page=3`);
  const genres = (await normal.json()) as unknown[];
  console.log(
    JSON.stringify({
      requests: REQUESTS,
      parallel: PARALLEL,
      padBytes: PAD_BYTES,
      junkTokens: JUNK_TOKENS,
      seconds,
      statuses: Object.fromEntries(statuses),
      rssBeforeMb: before,
      rssAfterMb: after,
      rssPeakMb: peak,
      growthMb: after - before,
      normalRead: { status: normal.status, genres: genres.length },
    }),
  );
} finally {
  child.kill('SIGTERM');
  await once(child, 'exit');
}
