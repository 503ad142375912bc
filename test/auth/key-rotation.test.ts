import { createSigner } from 'fast-jwt';
import type { LightMyRequestResponse } from 'fastify';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kidOf } from '../../src/auth/signing-keys.js';
import {
  createUser,
  decodeJwtPayload,
  errorBody,
  freshDatabase,
  login,
  appOnDatabase,
  type TestContext,
  type TestDatabase,
  type Tokens,
} from '../helpers.js';
import { startServer } from '../process.js';

const KEY_A = 'rotation-key-a-rotation-key-a-rotation-key-a';
const KEY_B = 'rotation-key-b-rotation-key-b-rotation-key-b';
const KID_A = kidOf(Buffer.from(KEY_A));
const KID_B = kidOf(Buffer.from(KEY_B));

// Every app of this file runs on one database, as a restarted server would.
let shared: TestDatabase;
let current: TestContext | undefined;
const running: TestContext[] = [];

async function startApp(env: Record<string, string>): Promise<TestContext> {
  // A long grace, so that a replay still falls inside it after a restart on a slow machine.
  const ctx = await appOnDatabase(shared.url, { REFRESH_REUSE_GRACE: '300', ...env });
  await ctx.app.ready();
  running.push(ctx);
  return ctx;
}

/** Stops the running app and starts another with these keys: a restart under live sessions. */
async function restartWith(env: Record<string, string>): Promise<TestContext> {
  if (current !== undefined) {
    await current.app.close();
    running.splice(running.indexOf(current), 1);
  }
  current = await startApp(env);
  return current;
}

before(async () => {
  shared = await freshDatabase(
    `sqlite:${join(mkdtempSync(join(tmpdir(), 'movies-rotation-')), 'movies.db')}`,
  );
});
after(async () => {
  for (const ctx of running) await ctx.app.close();
  await shared.drop();
});

const kidOfToken = (token: string): unknown =>
  (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { kid?: unknown })
    .kid;

const withHeader = (token: string, header: Record<string, unknown>): string =>
  [Buffer.from(JSON.stringify(header)).toString('base64url'), ...token.split('.').slice(1)].join(
    '.',
  );

const get = (ctx: TestContext, url: string, token: string) => ctx.api.as(token).get(url);
const refresh = (ctx: TestContext, token: string) =>
  ctx.api.put('/auth/', { refresh_token: token });
const logout = (ctx: TestContext, token: string) =>
  ctx.api.delete('/auth/', { refresh_token: token });

function assertAccessRefused(response: LightMyRequestResponse, label: string): void {
  assert.equal(response.statusCode, 401, label);
  assert.equal(response.headers['www-authenticate'], 'Bearer error="invalid_token"', label);
  assert.equal(errorBody(response).code, 'unauthorized', label);
}

function assertRefreshRefused(response: LightMyRequestResponse, label: string): void {
  assert.equal(response.statusCode, 401, label);
  assert.equal(errorBody(response).code, 'unauthorized', label);
}

async function signIn(ctx: TestContext, username: string): Promise<Tokens> {
  await createUser(ctx, username, `${username}-password`);
  return login(ctx, username, `${username}-password`);
}

/** An access token as this version's predecessor issued them: no kid in its header. */
function withoutKid(key: string, token: string): string {
  const { iat: _iat, exp: _exp, ...claims } = decodeJwtPayload(token);
  const now = Math.floor(Date.now() / 1000);
  return createSigner({ key })({ ...claims, iat: now, exp: now + 600 });
}

describe('Rotating the signing key under live sessions', () => {
  // Sessions made under key A, kept across the restarts below.
  let alice: Tokens;
  let bob: { first: Tokens; second: Tokens };
  let carol: Tokens;
  let dave: Tokens;
  let legacyA: string;
  let aliceUnderB: Tokens;

  it('When sessions start under key A, then their tokens name A', async () => {
    const ctx = await restartWith({ JWT_SECRET: KEY_A });
    alice = await signIn(ctx, 'alice');
    carol = await signIn(ctx, 'carol');
    dave = await signIn(ctx, 'dave');
    const bobFirst = await signIn(ctx, 'bob');
    const bobRefreshed = await refresh(ctx, bobFirst.refresh_token);
    assert.equal(bobRefreshed.statusCode, 201);
    bob = { first: bobFirst, second: bobRefreshed.json<Tokens>() };
    legacyA = withoutKid(KEY_A, dave.access_token);
    assert.equal(kidOfToken(legacyA), undefined);
    for (const token of [alice.access_token, alice.refresh_token, bob.second.refresh_token]) {
      assert.equal(kidOfToken(token), KID_A);
    }
    assert.notEqual(KID_A, KID_B);
    assert.equal((await get(ctx, '/movies/', legacyA)).statusCode, 200);
  });

  it('When restarted with JWT_SECRET=B and JWT_PREVIOUS_SECRETS=A, then A tokens keep working', async () => {
    const ctx = await restartWith({ JWT_SECRET: KEY_B, JWT_PREVIOUS_SECRETS: KEY_A });
    const movies = await get(ctx, '/movies/', alice.access_token);
    assert.equal(movies.statusCode, 200);
    const me = await get(ctx, '/user/', alice.access_token);
    assert.equal(me.statusCode, 200);
    assert.equal(me.json<{ username: string }>().username, 'alice');
    assert.equal((await get(ctx, '/user/', legacyA)).statusCode, 200);
  });

  it('When an A refresh token is refreshed after the rotation, then the new pair names B and works', async () => {
    const ctx = await restartWith({ JWT_SECRET: KEY_B, JWT_PREVIOUS_SECRETS: KEY_A });
    const refreshed = await refresh(ctx, alice.refresh_token);
    assert.equal(refreshed.statusCode, 201);
    aliceUnderB = refreshed.json<Tokens>();
    assert.equal(kidOfToken(aliceUnderB.access_token), KID_B);
    assert.equal(kidOfToken(aliceUnderB.refresh_token), KID_B);
    assert.equal((await get(ctx, '/user/', aliceUnderB.access_token)).statusCode, 200);
    // The A token was used once; presented again past the grace it would revoke, so not here.
    const again = await refresh(ctx, aliceUnderB.refresh_token);
    assert.equal(again.statusCode, 201);
    aliceUnderB = again.json<Tokens>();
    assert.equal(kidOfToken(aliceUnderB.refresh_token), KID_B);
  });

  it('When a token retired under A is replayed within the grace after the rotation, then it gets its successor signed with B', async () => {
    const ctx = await restartWith({ JWT_SECRET: KEY_B, JWT_PREVIOUS_SECRETS: KEY_A });
    const replay = await refresh(ctx, bob.first.refresh_token);
    assert.equal(replay.statusCode, 201);
    const successor = replay.json<Tokens>().refresh_token;
    assert.equal(kidOfToken(successor), KID_B);
    // The same token as the one A signed, under the new key: the same jti and family.
    const signedByA = decodeJwtPayload(bob.second.refresh_token);
    const signedByB = decodeJwtPayload(successor);
    assert.notEqual(successor, bob.second.refresh_token);
    assert.equal(signedByB.jti, signedByA.jti);
    assert.equal(signedByB.fam, signedByA.fam);
    const replayAgain = await refresh(ctx, bob.first.refresh_token);
    assert.equal(replayAgain.json<Tokens>().refresh_token, successor);
    // Either copy of the successor moves the family on.
    const next = await refresh(ctx, bob.second.refresh_token);
    assert.equal(next.statusCode, 201);
    assert.equal(kidOfToken(next.json<Tokens>().refresh_token), KID_B);
  });

  it('When an A refresh token logs out after the rotation, then its family is revoked', async () => {
    const ctx = await restartWith({ JWT_SECRET: KEY_B, JWT_PREVIOUS_SECRETS: KEY_A });
    assert.equal((await logout(ctx, carol.refresh_token)).statusCode, 204);
    assertRefreshRefused(await refresh(ctx, carol.refresh_token), 'carol after logout');
  });

  it('When a token names A but B signed it, or names an unknown key, then 401', async () => {
    const ctx = await restartWith({ JWT_SECRET: KEY_B, JWT_PREVIOUS_SECRETS: KEY_A });
    const good = aliceUnderB.access_token;
    assert.equal((await get(ctx, '/user/', good)).statusCode, 200);
    const claims = decodeJwtPayload(good);
    const forged = [
      ['kid A, signed by B', withHeader(good, { alg: 'HS256', typ: 'JWT', kid: KID_A })],
      ['kid not ours', withHeader(good, { alg: 'HS256', typ: 'JWT', kid: 'ffffffffffffffff' })],
      ['unknown kid, signed by B', createSigner({ key: KEY_B, kid: 'ffffffffffffffff' })(claims)],
      ['kid as a number', withHeader(good, { alg: 'HS256', typ: 'JWT', kid: 1 })],
      ['kid of the key itself', createSigner({ key: KEY_B, kid: KEY_B })(claims)],
      ['HS512 with B', createSigner({ key: KEY_B, algorithm: 'HS512', kid: KID_B })(claims)],
      [
        'alg none',
        `${withHeader(good, { alg: 'none', typ: 'JWT', kid: KID_B }).split('.').slice(0, 2).join('.')}.`,
      ],
      ['header without alg', withHeader(good, { typ: 'JWT', kid: KID_B })],
    ] as const;
    for (const [label, token] of forged) {
      assertAccessRefused(await get(ctx, '/user/', token), label);
    }
    const refreshForged = withHeader(aliceUnderB.refresh_token, {
      alg: 'HS256',
      typ: 'JWT',
      kid: 'ffffffffffffffff',
    });
    assertRefreshRefused(await refresh(ctx, refreshForged), 'refresh with an unknown kid');
    assertRefreshRefused(await logout(ctx, refreshForged), 'logout with an unknown kid');
  });

  it('When A is dropped from JWT_PREVIOUS_SECRETS, then the remaining A tokens get 401 and B tokens work', async () => {
    const ctx = await restartWith({ JWT_SECRET: KEY_B });
    assertAccessRefused(await get(ctx, '/movies/', dave.access_token), 'A access, catalog');
    assertAccessRefused(await get(ctx, '/user/', dave.access_token), 'A access, /user/');
    assertAccessRefused(await get(ctx, '/user/', legacyA), 'A access without kid');
    assertRefreshRefused(await refresh(ctx, dave.refresh_token), 'A refresh');
    assertRefreshRefused(await logout(ctx, dave.refresh_token), 'A logout');

    assert.equal((await get(ctx, '/movies/', aliceUnderB.access_token)).statusCode, 200);
    assert.equal((await get(ctx, '/user/', withoutKid(KEY_B, dave.access_token))).statusCode, 200);
    const refreshed = await refresh(ctx, aliceUnderB.refresh_token);
    assert.equal(refreshed.statusCode, 201);
    assert.equal(kidOfToken(refreshed.json<Tokens>().access_token), KID_B);
  });
});

describe('A rolling deploy: instances on both sides of a rotation at once', () => {
  it('When B is first added as a previous key everywhere, then instances signing with A and with B accept each other', async () => {
    const knowsB = await startApp({ JWT_SECRET: KEY_A, JWT_PREVIOUS_SECRETS: KEY_B });
    const signsB = await startApp({ JWT_SECRET: KEY_B, JWT_PREVIOUS_SECRETS: KEY_A });
    const fromA = await signIn(knowsB, 'erin');
    const fromB = await login(signsB, 'erin', 'erin-password');
    assert.equal(kidOfToken(fromA.access_token), KID_A);
    assert.equal(kidOfToken(fromB.access_token), KID_B);
    for (const ctx of [knowsB, signsB]) {
      for (const token of [fromA.access_token, fromB.access_token]) {
        assert.equal((await get(ctx, '/user/', token)).statusCode, 200);
      }
    }
    const crossed = await refresh(knowsB, fromB.refresh_token);
    assert.equal(crossed.statusCode, 201);
    assert.equal(kidOfToken(crossed.json<Tokens>().refresh_token), KID_A);
    const back = await refresh(signsB, crossed.json<Tokens>().refresh_token);
    assert.equal(back.statusCode, 201);
    assert.equal(kidOfToken(back.json<Tokens>().refresh_token), KID_B);

    // An instance that was not told about B yet refuses what the new ones sign.
    const unaware = await startApp({ JWT_SECRET: KEY_A });
    assertAccessRefused(await get(unaware, '/user/', fromB.access_token), 'B token on an A-only');
  });
});

describe('The server process with JWT_PREVIOUS_SECRETS', () => {
  it('When a previous secret is short in production, then startup stops naming JWT_PREVIOUS_SECRETS', async () => {
    await assert.rejects(
      startServer({
        NODE_ENV: 'production',
        DATABASE_URL: shared.url,
        JWT_SECRET: KEY_B,
        JWT_PREVIOUS_SECRETS: `${KEY_A},too-short`,
      }),
      /Configuration error: JWT_PREVIOUS_SECRETS entry 2 of 2 must be at least 32 bytes/,
    );
  });

  it('When it starts with a previous secret, then it logs the kid it signs with and the kids it verifies', async () => {
    const server = await startServer({
      NODE_ENV: 'production',
      DATABASE_URL: shared.url,
      JWT_SECRET: KEY_B,
      JWT_PREVIOUS_SECRETS: KEY_A,
      LOG_LEVEL: 'info',
    });
    try {
      const line = server
        .logs()
        .split('\n')
        .find((text) => text.includes('"signing tokens"'));
      assert.ok(line, server.logs());
      const logged = JSON.parse(line) as { kid: string; verifiedKids: string[] };
      assert.equal(logged.kid, KID_B);
      assert.deepEqual(logged.verifiedKids, [KID_B, KID_A]);
      assert.ok(!server.logs().includes(KEY_A) && !server.logs().includes(KEY_B));
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
