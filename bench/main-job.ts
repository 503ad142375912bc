// The main comparison: the cases against the baseline, the mixed workload, the login storm, startup.
import type { RecordedResponse } from './baseline-server.js';
import { sampleCatalog } from './catalog-sample.js';
import { loginStorm } from './login-storm.js';
import { mixedComparison } from './mixed-comparison.js';
import type { Started } from './processes.js';
import { record, sideBySide, sideBySideTable, startBaseline } from './side-by-side.js';
import { folder, login, SECONDS, serviceEnv, startService, users } from './service.js';
import { startupTimes } from './startup.js';
import type { LoadCase } from './wrk.js';

function caseList(userToken: string, adminToken: string, listTag: string): LoadCase[] {
  const auth = { authorization: `Bearer ${userToken}` };
  const json = { 'content-type': 'application/json' };
  const get = (name: string, path: string, headers: Record<string, string> = auth): LoadCase => ({
    name,
    connections: 32,
    headers,
    requests: [{ method: 'GET', path }],
  });
  return [
    get('GET /movies/', '/movies/'),
    get('GET /movies/1', '/movies/1'),
    get('GET /movies/?genre_id=4&year=2010', '/movies/?genre_id=4&year=2010'),
    get('GET /movies/?page=2&per_page=5', '/movies/?page=2&per_page=5'),
    get('GET /genres/', '/genres/'),
    // A client revalidating what it has: the same list, its ETag in If-None-Match (304, no body).
    get('GET /movies/ revalidated (304)', REVALIDATED_LIST, { ...auth, 'if-none-match': listTag }),
    get('GET /movies/ without a token (401)', '/movies/', {}),
    {
      name: 'POST /auth/ (right password)',
      connections: 4,
      headers: json,
      requests: [{ method: 'POST', path: '/auth/', body: JSON.stringify(users.user) }],
    },
    {
      name: 'admin POST + DELETE /genres/',
      connections: 8,
      headers: { ...json, authorization: `Bearer ${adminToken}` },
      requests: [
        { method: 'POST', path: '/genres/', body: '{"name":"Bench genre {n}"}' },
        {
          method: 'DELETE',
          path: '/genres/{created}',
          headers: { authorization: `Bearer ${adminToken}` },
        },
      ],
    },
  ];
}

// An ignored parameter: the same answer and ETag as /movies/, a URL of its own for the baseline.
const REVALIDATED_LIST = '/movies/?_=revalidate';

async function entityTagOf(url: string, token: string): Promise<string> {
  const response = await fetch(`${url}${REVALIDATED_LIST}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const tag = response.headers.get('etag');
  if (response.status !== 200 || tag === null) throw new Error('GET /movies/ gave no ETag');
  return tag;
}

async function recordAll(
  url: string,
  cases: LoadCase[],
  adminToken: string,
): Promise<RecordedResponse[]> {
  const recordings: RecordedResponse[] = [];
  for (const load of cases) {
    const first = load.requests[0];
    if (!first?.method || !first.path) continue;
    const body = first.body?.replaceAll('{n}', 'recorded');
    recordings.push(
      await record(
        url,
        first.method,
        first.path,
        (load.headers ?? {}) as Record<string, string>,
        body,
      ),
    );
  }
  const created = recordings.find((r) => r.method === 'POST' && r.path === '/genres/');
  if (created) {
    const id = (JSON.parse(created.body) as { id: number }).id;
    const deleted = await record(url, 'DELETE', `/genres/${id}`, {
      authorization: `Bearer ${adminToken}`,
    });
    recordings.push({ ...deleted, path: '/genres/*' });
  }
  return recordings;
}

/** Only the mixed workload against its baseline (npm run bench -- --mixed-only). */
export async function mixedCase(report: string[]): Promise<void> {
  const service = await startService();
  try {
    const tokens = {
      user: await login(service.url, users.user),
      admin: await login(service.url, users.admin),
    };
    const sample = await sampleCatalog(service.url, tokens.user);
    report.push(
      '### Mixed workload (response cache on) against the baseline replaying the same mix',
      '',
      ...(await mixedComparison(service, sample, tokens, folder, SECONDS)),
    );
  } finally {
    await service.stop();
  }
}

/** The eight cases against the baseline, the login storm and the startup time. */
export async function mainCases(report: string[]): Promise<void> {
  const service = await startService();
  let baseline: Started | undefined;
  try {
    const userToken = await login(service.url, users.user);
    const adminToken = await login(service.url, users.admin);
    const cases = caseList(userToken, adminToken, await entityTagOf(service.url, userToken));
    baseline = await startBaseline(
      folder,
      'recording',
      await recordAll(service.url, cases, adminToken),
    );
    const { rows } = await sideBySide(service, baseline, cases, SECONDS);
    await baseline.stop();
    const sample = await sampleCatalog(service.url, userToken);
    const tokens = { user: userToken, admin: adminToken };
    report.push(
      '### Service against the bare node:http baseline',
      '',
      sideBySideTable(rows),
      '',
      '### Mixed workload (response cache on) against the baseline replaying the same mix',
      '',
      ...(await mixedComparison(service, sample, tokens, folder, SECONDS)),
      '',
      '### Login storm',
      '',
      ...(await loginStorm(service, userToken)),
    );
  } finally {
    await baseline?.stop();
    await service.stop();
  }
  const startups = await startupTimes(serviceEnv);
  report.push(
    '',
    '### Startup',
    '',
    `- spawn to first 200 from /ready on an existing database: ${startups.join(', ')} ms (target: under 1000 ms)`,
  );
}
