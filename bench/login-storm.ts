import { pbkdf2 } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { measureAtRate, table } from './measure.js';
import type { Started } from './processes.js';
import { SECONDS, serviceEnv, users } from './service.js';
import { measure, type LoadCase } from './wrk.js';

async function readLoopDelay(service: Started): Promise<{ p50: number; p99: number; max: number }> {
  rmSync(serviceEnv.BENCH_LOOP_FILE, { force: true });
  service.child.kill('SIGUSR2');
  // A loaded machine may take a while to let the service write its figures.
  for (let waited = 0; ; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    try {
      return JSON.parse(readFileSync(serviceEnv.BENCH_LOOP_FILE, 'utf8')) as {
        p50: number;
        p99: number;
        max: number;
      };
    } catch (error) {
      if (waited > 10_000) throw error;
    }
  }
}

async function timeOneHash(): Promise<number> {
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const start = performance.now();
      pbkdf2('password', 'salt-salt-salt-1', 600_000, 32, 'sha256', (error) =>
        error ? reject(error) : resolve(performance.now() - start),
      );
    });
  const times = [await once(), await once(), await once()].sort((a, b) => a - b);
  return times[1] ?? 0;
}

/**
 * Authorized reads at a steady rate (autocannon: wrk has no fixed rate), alone and then beside 20
 * clients logging in non-stop (wrk).
 */
export async function loginStorm(service: Started, userToken: string): Promise<string[]> {
  const rate = 2000;
  const reads: LoadCase = {
    name: 'reads',
    connections: 8,
    headers: { authorization: `Bearer ${userToken}` },
    requests: [{ method: 'GET', path: '/movies/1' }],
  };
  const storm: LoadCase = {
    name: 'logins',
    connections: 20,
    headers: { 'content-type': 'application/json' },
    requests: [{ method: 'POST', path: '/auth/', body: JSON.stringify(users.user) }],
  };
  const hashMs = await timeOneHash();
  await readLoopDelay(service);
  const calm = await measureAtRate(service.url, reads, SECONDS, rate);
  const calmLoop = await readLoopDelay(service);
  const [stormy, logins] = await Promise.all([
    measureAtRate(service.url, reads, SECONDS, rate),
    measure(service.url, storm, SECONDS),
  ]);
  const stormLoop = await readLoopDelay(service);
  const ideal = (cpus().length * 1000) / hashMs;
  const loginsPerSecond = Math.round(((logins.requests - logins.refused) / SECONDS) * 10) / 10;
  return [
    table(
      [
        `GET /movies/1 at ${rate} req/s, 8 conn`,
        'req/s',
        'p50 ms',
        'p99 ms',
        'loop delay p99 ms',
        'loop delay max ms',
        'logins/s (201)',
        'refused/s (429)',
      ],
      [
        ['reads alone', calm.rps, calm.p50, calm.p99, calmLoop.p99, calmLoop.max, '-', '-'],
        [
          'reads + 20 clients logging in',
          stormy.rps,
          stormy.p50,
          stormy.p99,
          stormLoop.p99,
          stormLoop.max,
          loginsPerSecond,
          Math.round(logins.refused / SECONDS),
        ],
      ],
    ),
    '',
    `- reads p99 rose by ${(stormy.p99 - calm.p99).toFixed(1)} ms (target: less than 10 ms)`,
    `- one PBKDF2 hash (600,000 rounds) takes ${hashMs.toFixed(0)} ms here, so ${cpus().length} cores give at most ${ideal.toFixed(1)} logins/s; the storm made ${loginsPerSecond}/s = ${((loginsPerSecond / ideal) * 100).toFixed(0)}% (target: at least 80%; the others were refused at once with 429 by the per-client hashing bound)`,
  ];
}
