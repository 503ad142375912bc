// The database path: the service with its response cache off (RESPONSE_CACHE_MB=0) against the
// baseline replaying the same bytes, URL for URL.
import type { RecordedResponse } from './baseline-server.js';
import type { CatalogSample } from './catalog-sample.js';
import type { Started } from './processes.js';
import { record, sideBySide, sideBySideTable, startBaseline } from './side-by-side.js';
import type { LoadCase } from './wrk.js';

interface UncachedCase {
  readonly name: string;
  readonly connections: number;
  readonly paths: string[];
  /** Issue 22's targets: ratio to the baseline's req/s, p99 in ms and as a multiple of p50. */
  readonly target?: { ratio: number; p99: number; p99OverP50: number };
}

function uncachedCaseList(sample: CatalogSample): UncachedCase[] {
  const item = `GET /movies/<id>, ${sample.movieIds.length} ids`;
  const itemPaths = sample.movieIds.map((id) => `/movies/${id}`);
  const list = { ratio: 0.25, p99: 15, p99OverP50: 3 };
  const one = { ratio: 0.45, p99: 15, p99OverP50: 3 };
  return [
    { name: 'GET /movies/', connections: 32, paths: ['/movies/'], target: list },
    { name: 'GET /movies/', connections: 128, paths: ['/movies/'], target: list },
    { name: item, connections: 32, paths: itemPaths, target: one },
    { name: item, connections: 128, paths: itemPaths, target: one },
    {
      name: 'GET /movies/?genre_id=…&sort=-rating',
      connections: 32,
      paths: sample.genreIds.map((id) => `/movies/?genre_id=${id}&sort=-rating`),
    },
    {
      name: `GET /movies/?q=…, ${sample.titleWords.length} words`,
      connections: 32,
      paths: sample.titleWords.map((word) => `/movies/?q=${encodeURIComponent(word)}`),
    },
  ];
}

/** One request after another through `paths`. */
export function cyclingLoad(
  name: string,
  paths: string[],
  token: string,
  connections: number,
): LoadCase {
  return {
    name,
    connections,
    headers: { authorization: `Bearer ${token}` },
    requests: paths.map((path) => ({ method: 'GET', path })),
  };
}

/** `service` must run with RESPONSE_CACHE_MB=0. */
export async function uncachedComparison(
  service: Started,
  sample: CatalogSample,
  token: string,
  folder: string,
  seconds: number,
): Promise<string[]> {
  const list = uncachedCaseList(sample);
  const headers = { authorization: `Bearer ${token}` };
  const recordings: RecordedResponse[] = [];
  for (const path of new Set(list.flatMap(({ paths }) => paths))) {
    recordings.push(await record(service.url, 'GET', path, headers));
  }
  const baseline = await startBaseline(folder, 'uncached', recordings);
  try {
    const cases = list.map(({ name, paths, connections }) =>
      cyclingLoad(`uncached ${name}`, paths, token, connections),
    );
    const { rows, results } = await sideBySide(service, baseline, cases, seconds);
    const verdicts = list.flatMap(({ name, connections, target }, index) => {
      const [ours, bare] = results[index] ?? [];
      if (!target || !ours || !bare) return [];
      const ratio = ours.rps / bare.rps;
      const tail = ours.p99 / ours.p50;
      const met =
        ratio >= target.ratio &&
        ours.p99 <= target.p99 &&
        tail <= target.p99OverP50 &&
        ours.refused + ours.errors === 0;
      return [
        `- uncached ${name}, ${connections} conn: ratio ${ratio.toFixed(2)} (target ≥ ${target.ratio}), p99 ${ours.p99} ms = ${tail.toFixed(1)}× p50 (target ≤ ${target.p99} ms and ≤ ${target.p99OverP50}×), ${ours.refused + ours.errors} errors — ${met ? 'met' : 'NOT met'}`,
      ];
    });
    return [sideBySideTable(rows), '', ...verdicts];
  } finally {
    await baseline.stop();
  }
}
