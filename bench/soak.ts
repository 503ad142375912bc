// npm run bench -- --soak: the mixed workload for ten minutes on loopback, RSS sampled every 10 s.
import { readFileSync } from 'node:fs';
import type { CatalogSample } from './catalog-sample.js';
import { table } from './measure.js';
import { mixedWorkload } from './mixed.js';
import type { Started } from './processes.js';
import { measure } from './wrk.js';

const SAMPLE_EVERY_MS = 10_000;
const SETTLED_AFTER_MS = 60_000;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

export async function soak(
  service: Started,
  sample: CatalogSample,
  tokens: { user: string; admin: string },
  seconds: number,
): Promise<string[]> {
  const pid = service.child.pid ?? 0;
  const workload = await mixedWorkload(service.url, sample, tokens.user, tokens.admin);
  const samples: { atSeconds: number; rss: number }[] = [];
  const started = performance.now();
  const sampler = setInterval(() => {
    samples.push({ atSeconds: Math.round((performance.now() - started) / 1000), rss: rssMb(pid) });
  }, SAMPLE_EVERY_MS);
  const result = await measure(service.url, workload.load, seconds).finally(() =>
    clearInterval(sampler),
  );
  const settled = samples.filter(({ atSeconds }) => atSeconds * 1000 >= SETTLED_AFTER_MS);
  const reference = settled[0]?.rss ?? 0;
  const highest = Math.max(...settled.map(({ rss }) => rss));
  const lowest = Math.min(...settled.map(({ rss }) => rss));
  const drift = reference > 0 ? Math.max(highest - reference, reference - lowest) / reference : 0;
  const failures = result.refused + result.errors;
  const met = drift <= 0.1 && failures === 0;
  return [
    table(
      [
        'mixed workload, 32 conn',
        'seconds',
        'req/s',
        'p50 ms',
        'p99 ms',
        'errors or answers ≥ 400',
      ],
      [[workload.load.name, seconds, result.rps, result.p50, result.p99, failures]],
    ),
    '',
    `- RSS every 10 s (MB): ${samples.map(({ rss }) => rss).join(', ')}`,
    `- after the first minute: from ${reference} MB, lowest ${lowest}, highest ${highest}: drift ${(drift * 100).toFixed(1)} % (target ≤ 10 %), ${failures} errors (target 0) — ${met ? 'met' : 'NOT met'}`,
  ];
}
