import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli, startServer, tempDatabase, type RunningServer } from '../process.js';

const SECRET = 'hostile-attack-secret-hostile-attack-secret';
const ORIGIN = 'http://site.example';
const COPIES = 12;

let server: RunningServer;
let adminToken = '';
let dropDatabase: () => Promise<void> = async () => {};

before(async () => {
  const database = await tempDatabase();
  dropDatabase = database.drop;
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    JWT_SECRET: SECRET,
    PBKDF2_ITERATIONS: '1000',
    CORS_ORIGINS: ORIGIN,
    REGISTRATIONS_PER_MINUTE: '1000',
    // Many registrations at once from one address: lift the per-client hashing bound.
    HASH_QUEUE_PER_CLIENT: '100',
    LOG_LEVEL: 'info',
  };
  const made = await runCli(
    ['create-user', '--username', 'ops', '--password', 'ops-password', '--role', 'admin'],
    env,
  );
  assert.equal(made.code, 0, made.stderr);
  server = await startServer(env);
  const login = await send('POST', '/auth/', { username: 'ops', password: 'ops-password' });
  assert.equal(login.status, 201);
  adminToken = ((await login.json()) as { access_token: string }).access_token;
});

after(async () => {
  server.child.kill('SIGKILL');
  await server.exited;
  await dropDatabase();
});

function send(method: string, path: string, body?: unknown, token?: string): Promise<Response> {
  const headers: Record<string, string> = { origin: ORIGIN };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch(`${server.baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

async function answer(request: Promise<Response>): Promise<Answer> {
  const response = await request;
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

/** Fires every attack COPIES times at once and returns the answers per attack. */
async function fireAll<Name extends string>(
  attacks: Record<Name, () => Promise<Response>>,
): Promise<Record<Name, Answer[]>> {
  const entries = Object.entries(attacks) as [Name, () => Promise<Response>][];
  const answers = await Promise.all(
    entries.map(async ([name, attack]) => {
      const copies = Array.from({ length: COPIES }, () => answer(attack()));
      return [name, await Promise.all(copies)] as const;
    }),
  );
  return Object.fromEntries(answers) as Record<Name, Answer[]>;
}

/** "400 validation_error" per attack, so a failure shows every attack's answers at once. */
function tally(answers: Record<string, Answer[]>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(answers).map(([name, list]) => [
      name,
      [...new Set(list.map(({ status, body }) => `${status} ${String(body.code ?? body.error)}`))],
    ]),
  );
}

function assertContractError(answers: Answer[], status: number, code: string, field?: string) {
  for (const { status: got, headers, body } of answers) {
    assert.equal(got, status, JSON.stringify(body));
    assert.deepEqual(
      Object.keys(body).filter((key) => !['message', 'code', 'errors', 'request_id'].includes(key)),
      [],
    );
    assert.equal(body.code, code, JSON.stringify(body));
    assert.equal(typeof body.request_id, 'string');
    assert.equal(headers.get('access-control-allow-origin'), ORIGIN);
    assert.equal(headers.get('x-content-type-options'), 'nosniff');
    if (field) assert.ok((body.errors as Record<string, string>)[field], JSON.stringify(body));
  }
}

describe('hostile input against a real server process', () => {
  it('When text a database cannot store arrives from every side at once, then every answer is a 400 naming the field', async () => {
    let user = 0;
    const answers = await fireAll({
      nulLogin: () => send('POST', '/auth/', { username: 'a\u0000b', password: 'x' }),
      nulSearch: () => send('GET', '/movies/?q=%00', undefined, adminToken),
      nulDescription: () =>
        send('POST', '/movies/', { title: 'Nul', description: 'a\u0000b' }, adminToken),
      loneSurrogateGenre: () => send('POST', '/genres/', { name: 'x\ud800' }, adminToken),
      nulPathId: () => send('GET', '/genres/1%00', undefined, adminToken),
      dottedCapitalUsername: () =>
        send('POST', '/users/', {
          username: `${'İ'.repeat(149)}${String.fromCodePoint(0x4e00 + user++)}`,
          password: 'long-enough-password',
        }),
    });
    assert.deepEqual(tally(answers), {
      nulLogin: ['400 validation_error'],
      nulSearch: ['400 validation_error'],
      nulDescription: ['400 validation_error'],
      loneSurrogateGenre: ['400 validation_error'],
      nulPathId: ['400 validation_error'],
      dottedCapitalUsername: ['201 undefined'],
    });
    assertContractError(answers.nulLogin, 400, 'validation_error', 'username');
    assertContractError(answers.nulSearch, 400, 'validation_error', 'q');
    assertContractError(answers.nulDescription, 400, 'validation_error', 'description');
    assertContractError(answers.loneSurrogateGenre, 400, 'validation_error', 'name');
    assertContractError(answers.nulPathId, 400, 'validation_error', 'id');
    for (const { status, body } of answers.dottedCapitalUsername) {
      assert.equal(status, 201, JSON.stringify(body));
    }
    const health = await send('GET', '/health');
    assert.equal(health.status, 200);
    assert.doesNotMatch(server.logs(), /request failed/);
  });

  it('When paths the router cannot read arrive at once, then each is a 400 with the contract body, CORS and security headers', async () => {
    const answers = await fireAll({
      badPercentEncoding: () => send('GET', '/movies/%C0', undefined, adminToken),
      overlongId: () => send('GET', `/movies/${'9'.repeat(101)}`, undefined, adminToken),
      overlongAnonymous: () => send('DELETE', `/genres/${'1'.repeat(500)}`),
    });
    assert.deepEqual(tally(answers), {
      badPercentEncoding: ['400 bad_request'],
      overlongId: ['400 bad_request'],
      overlongAnonymous: ['400 bad_request'],
    });
    for (const name of ['badPercentEncoding', 'overlongId', 'overlongAnonymous'] as const) {
      assertContractError(answers[name], 400, 'bad_request');
    }
    assert.doesNotMatch(server.logs(), /request failed/);
  });
});
