// The database path: the service with its response cache off (RESPONSE_CACHE_MB=0) against the
// baseline replaying the same bytes, URL for URL.
import type { RecordedResponse } from './baseline-server.js';
import type { CatalogSample } from './catalog-sample.js';
import type { LoadCase } from './measure.js';
import type { Started } from './processes.js';
import { record, sideBySide, sideBySideTable, startBaseline } from './side-by-side.js';

interface UncachedCase {
  readonly name: string;
  readonly paths: string[];
  /** Target ratio to the baseline's req/s, and p99 in ms, when the issue sets one. */
  readonly target?: { ratio: number; p99: number };
}

function uncachedCaseList(sample: CatalogSample): UncachedCase[] {
  return [
    { name: 'GET /movies/', paths: ['/movies/'], target: { ratio: 0.25, p99: 10 } },
    {
      name: `GET /movies/<id>, ${sample.movieIds.length} ids`,
      paths: sample.movieIds.map((id) => `/movies/${id}`),
      target: { ratio: 0.35, p99: 10 },
    },
    {
      name: 'GET /movies/?genre_id=…&sort=-rating',
      paths: sample.genreIds.map((id) => `/movies/?genre_id=${id}&sort=-rating`),
    },
    {
      name: `GET /movies/?q=…, ${sample.titleWords.length} words`,
      paths: sample.titleWords.map((word) => `/movies/?q=${encodeURIComponent(word)}`),
    },
  ];
}

/** One request after another through `paths`, on every connection. */
export function cyclingLoad(name: string, paths: string[], token: string): LoadCase {
  let next = 0;
  return {
    name,
    connections: 32,
    headers: { authorization: `Bearer ${token}` },
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: paths[(next += 1) % paths.length] }),
      },
    ],
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
  for (const path of list.flatMap(({ paths }) => paths)) {
    recordings.push(await record(service.url, 'GET', path, headers));
  }
  const baseline = await startBaseline(folder, 'uncached', recordings);
  try {
    const cases = list.map(({ name, paths }) => cyclingLoad(`uncached ${name}`, paths, token));
    const { rows, results } = await sideBySide(service, baseline, cases, seconds);
    const verdicts = list.flatMap(({ name, target }, index) => {
      const [ours, bare] = results[index] ?? [];
      if (!target || !ours || !bare) return [];
      const ratio = ours.rps / bare.rps;
      const met = ratio >= target.ratio && ours.p99 <= target.p99;
      return [
        `- uncached ${name}: ratio ${ratio.toFixed(2)} (target ≥ ${target.ratio}), p99 ${ours.p99} ms (target ≤ ${target.p99} ms) — ${met ? 'met' : 'NOT met'}`,
      ];
    });
    return [sideBySideTable(rows), '', ...verdicts];
  } finally {
    await baseline.stop();
  }
}
