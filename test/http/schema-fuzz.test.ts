import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, signedIn, type TestContext } from '../helpers.js';

// Same seed, same requests: FUZZ_SEED=<n> replays a failure; FUZZ_REQUESTS widens the search.
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 400);

/** mulberry32: a small, fast, seedable generator; plenty for picking test inputs. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = seededRandom(SEED);
const chance = (p: number) => random() < p;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

// What databases choke on: NUL, half surrogate pairs, text whose lower case is longer.
const UNSTORABLE = ['\u0000', 'a\u0000b', '\ud800', 'x\udfff', 'İ'.repeat(150), 'İ'.repeat(255)];
const STRINGS = [
  '',
  ' ',
  'a',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '🎬',
  'İ'.repeat(150),
  'İ'.repeat(255),
  'İ'.repeat(256),
  "' or 1=1 --",
  '%_*[?\\',
  'a'.repeat(5001),
  '1994',
  '4',
  'user',
  'admin',
  'ab@cd.example',
  'http://x.example/',
  '\u202e\ufeff',
  ' \t\n',
];
// Raw JSON number text, so that 1e400 reaches the parser as sent.
const NUMBERS = [
  '0',
  '-0',
  '1',
  '-1',
  '1.5',
  '1e400',
  '-1e400',
  '1e-400',
  '2100',
  '10.0000001',
  '2147483648',
  '9007199254740992',
  '9223372036854775808',
  '99999999999999999999999',
];
const PATH_SEGMENTS = [
  '1',
  '3',
  '20',
  '0',
  '-1',
  '1.5',
  'abc',
  '1e3',
  '%20',
  '%00',
  '1%00',
  '%C0',
  '%ED%A0%80',
  '9'.repeat(16),
  '9'.repeat(101),
  '9007199254740992',
  '00001',
  '+1',
  '%C4%B0',
];
const RAW_QUERY_VALUES = ['%', '%zz', '%C0', '%00', '%ED%A0%80', '', '%2B1', 'a%26b%3Dc'];
const BROKEN_BODIES = ['{"a":', '{', '[', '"\\u0000', 'nul\u0000', '{"title": oops}'];

const hostileText = (): string => (chance(0.4) ? pick(UNSTORABLE) : pick(STRINGS));

function jsonString(text: string): string {
  return JSON.stringify(text);
}

function randomJson(depth = 0): string {
  const roll = random();
  if (roll < 0.45) return jsonString(hostileText());
  if (roll < 0.75) return pick(NUMBERS);
  if (roll < 0.82) return pick(['true', 'false', 'null']);
  if (depth > 2) return 'null';
  if (roll < 0.91)
    return `[${Array.from({ length: Math.floor(random() * 3) }, () => randomJson(depth + 1))}]`;
  return `{${jsonString(pick(['name', 'id', 'x', '\u0000']))}:${randomJson(depth + 1)}}`;
}

let serial = 0;
// Values each field accepts, so that one hostile field among them gets past the others' checks.
const PLAUSIBLE: Record<string, () => string> = {
  title: () => jsonString(`Fuzz ${serial++}`),
  name: () => jsonString(`Fuzz ${serial++}`),
  username: () => jsonString(`fuzz-${serial++}`),
  email: () => jsonString(`fuzz${serial++}@example.com`),
  password: () => jsonString('fuzz-password'),
  new_password: () => jsonString('fuzz-password'),
  old_password: () => jsonString('fuzz-user-password'),
  description: () => jsonString('plain'),
  year: () => '2000',
  rating: () => '5',
  genre_id: () => '1',
  director_id: () => '1',
  role: () => jsonString('user'),
  q: () => 'a',
  page: () => '1',
  per_page: () => '5',
};
const plausible = (field: string): string => (PLAUSIBLE[field] ?? randomJson)();

function randomBody(fields: string[]): string {
  const roll = random();
  if (roll < 0.05) return pick(BROKEN_BODIES);
  if (roll < 0.1) return `${'['.repeat(5000)}${']'.repeat(5000)}`;
  if (roll < 0.18) return randomJson();
  const hostile = pick(fields);
  const members = fields
    .filter((field) => field === hostile || chance(0.6))
    .map((field) => `${jsonString(field)}:${field === hostile ? randomJson() : plausible(field)}`);
  if (chance(0.15)) members.push(`${jsonString(pick(STRINGS))}:${randomJson()}`);
  return `{${members.join(',')}}`;
}

function queryValue(): string {
  if (chance(0.3)) return pick(RAW_QUERY_VALUES);
  const text = chance(0.5) ? hostileText() : pick(NUMBERS);
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80'; // an unpaired surrogate has no UTF-8 form; send the bytes it would have
  }
}

function randomQuery(names: string[]): string {
  const hostile = pick(names);
  const pairs = names
    .filter((name) => name === hostile || chance(0.3))
    .map((name) => `${name}=${name === hostile ? queryValue() : plausible(name)}`);
  if (chance(0.2)) pairs.push(`${pick(['_', 'x', '%00', 'q[]'])}=${queryValue()}`);
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly queryNames: string[];
  readonly bodyFields: string[] | null;
}

interface OpenApiOperation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: { properties?: object } }> };
}

let ctx: TestContext;
const callers: Record<string, Record<string, string>> = { anonymous: {} };
let operations: Operation[] = [];
let victimId = 0;

before(async () => {
  ctx = await buildTestApp({ REGISTRATIONS_PER_MINUTE: '100000' });
  callers.user = (await signedIn(ctx, 'fuzz-user')).headers;
  callers.admin = (await signedIn(ctx, 'fuzz-admin', 'admin')).headers;
  victimId = (await signedIn(ctx, 'fuzz-victim')).id;
  const doc = (await ctx.api.get('/openapi.json')).json<{
    paths: Record<string, Record<string, OpenApiOperation>>;
  }>();
  operations = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => {
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      return {
        method: method.toUpperCase(),
        path,
        queryNames: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        bodyFields: schema ? Object.keys(schema.properties ?? {}) : null,
      };
    }),
  );
});
after(() => ctx.app.close());

function urlFor(operation: Operation): string {
  // The fuzzing callers keep their own accounts; user ids in paths point at a victim.
  const segment = () =>
    operation.path.startsWith('/users/') && chance(0.5) ? String(victimId) : pick(PATH_SEGMENTS);
  return operation.path.replace(/\{[^}]+\}/g, segment) + randomQuery(operation.queryNames);
}

const CONTRACT_KEYS = ['message', 'code', 'errors', 'request_id'];

function contractProblem(status: number, text: string): string | null {
  if (status >= 500) return `answered ${status}`;
  if (status < 400) return null;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return 'error body is not JSON';
  }
  const extra = Object.keys(body).filter((key) => !CONTRACT_KEYS.includes(key));
  if (extra.length > 0) return `error body has extra keys ${extra.join(', ')}`;
  if (typeof body.message !== 'string' || typeof body.code !== 'string')
    return 'error body lacks message or code';
  if (typeof body.request_id !== 'string') return 'error body lacks request_id';
  if (body.code === 'validation_error' && typeof body.errors !== 'object')
    return 'validation_error without errors';
  return null;
}

describe('schema fuzz', () => {
  it(`When ${REQUESTS} generated hostile requests hit every route (seed ${SEED}), then none is a 5xx and every 4xx has the contract body`, async (t) => {
    assert.ok(operations.length > 30, 'the OpenAPI document lists the routes');
    const statuses = new Map<number, number>();
    for (let index = 0; index < REQUESTS; index++) {
      const operation = pick(operations);
      const caller = pick(Object.keys(callers));
      const url = urlFor(operation);
      const payload =
        operation.bodyFields === null && chance(0.8)
          ? undefined
          : randomBody(operation.bodyFields ?? []);
      const contentType = chance(0.9)
        ? 'application/json'
        : pick(['text/plain', 'application/xml']);
      const response = await ctx.app.inject({
        method: operation.method as 'GET',
        url,
        headers: {
          ...callers[caller],
          ...(payload !== undefined && { 'content-type': contentType }),
        },
        ...(payload !== undefined && { payload }),
      });
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      const problem = contractProblem(response.statusCode, response.body);
      assert.equal(
        problem,
        null,
        `seed ${SEED}, request ${index}: ${caller} ${operation.method} ${url} ` +
          `${JSON.stringify(payload?.slice(0, 300))} -> ${response.statusCode} ${response.body.slice(0, 300)}`,
      );
    }
    t.diagnostic(`statuses (seed ${SEED}): ${JSON.stringify([...statuses].sort())}`);
    // A fuzz that only ever hears 401 tests nothing: it must reach validation and handlers too.
    assert.ok((statuses.get(400) ?? 0) > REQUESTS / 10, JSON.stringify([...statuses]));
    assert.ok(
      [...statuses.keys()].some((status) => status < 300),
      JSON.stringify([...statuses]),
    );
  });
});
