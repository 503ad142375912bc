// How a real catalog is used, at 32 connections with the response cache on: 95 % reads over
// about 5,000 URLs with Zipf-like popularity, 4 % reads no cache can serve (a title search
// nobody asked before), 1 % admin writes (PATCH of a movie's rating).
import type { RecordedResponse } from './baseline-server.js';
import type { CatalogSample } from './catalog-sample.js';
import { mixedUrls } from './mixed-urls.js';
import { seededRandom, zipfPicker } from './random.js';
import { record } from './side-by-side.js';
import type { LoadCase, LoadRequest } from './wrk.js';

export const MIXED_CONNECTIONS = 32;
const MISS_PREFIX = '/movies/?q=unasked-';
const MIXED_SEQUENCE = 20_000;

export interface MixedWorkload {
  readonly load: LoadCase;
  /** Every answer the workload can ask for, for the baseline to replay. */
  readonly recordings: RecordedResponse[];
  readonly distinctUrls: number;
}

async function recordInParallel(
  url: string,
  paths: string[],
  headers: Record<string, string>,
): Promise<RecordedResponse[]> {
  const recordings: RecordedResponse[] = [];
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next] as string;
      next += 1;
      recordings.push(await record(url, 'GET', path, headers));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return recordings;
}

export async function mixedWorkload(
  url: string,
  sample: CatalogSample,
  userToken: string,
  adminToken: string,
): Promise<MixedWorkload> {
  const reader = { authorization: `Bearer ${userToken}` };
  const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const answered = await recordInParallel(url, mixedUrls(sample), reader);
  const valid = answered.filter(({ status }) => status === 200);
  const paths = valid.map(({ path }) => path);
  const miss = await record(url, 'GET', `${MISS_PREFIX}0`, reader);
  const firstId = sample.movieIds[0] ?? 1;
  const patch = await record(url, 'PATCH', `/movies/${firstId}`, admin, '{"rating":5}');
  const recordings = [
    ...valid,
    { ...miss, path: `${MISS_PREFIX}*` },
    { ...patch, path: '/movies/*' },
  ];

  // A sequence long enough that the popular URLs keep their shares, sent in turn by wrk; each
  // unasked search gets a number of its own when it is sent.
  const random = seededRandom(11);
  const popular = zipfPicker(paths.length, random);
  const requests: LoadRequest[] = [];
  for (let counter = 1; counter <= MIXED_SEQUENCE; counter += 1) {
    const dice = random();
    if (dice < 0.01) {
      const id = sample.movieIds[counter % sample.movieIds.length] ?? firstId;
      const rating = (counter % 101) / 10;
      requests.push({
        method: 'PATCH',
        path: `/movies/${id}`,
        headers: admin,
        body: JSON.stringify({ rating }),
      });
    } else {
      const path = dice < 0.05 ? `${MISS_PREFIX}{n}` : (paths[popular()] as string);
      requests.push({ method: 'GET', path, headers: reader });
    }
  }
  const load: LoadCase = {
    name: `mixed: ${paths.length} URLs (Zipf) 95 %, unasked searches 4 %, PATCH 1 %`,
    connections: MIXED_CONNECTIONS,
    requests,
  };
  return { load, recordings, distinctUrls: paths.length };
}
