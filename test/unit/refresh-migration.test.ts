import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { hashPassword } from '../../src/auth/password.js';
import { TokenService } from '../../src/auth/tokens.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { migrateTo, migrateToLatest } from '../../src/db/migrate.js';
import { freshDatabase, testConfig, type TestDatabase, type Tokens } from '../helpers.js';

const BEFORE_GENERATIONS = '2026_11_26_005_add_profiles_and_favorites';
const config = testConfig();
const tokens = new TokenService(config);
const subject = { userId: 1, username: 'old-timer', role: 'user' } as const;
const now = Date.now();
const nowSeconds = Math.floor(now / 1000);

function legacyToken(jti: string, familyId: string): string {
  const spec = { jti, familyId, issuedAt: nowSeconds - 60, expiresAt: nowSeconds + 3600 };
  return tokens.signRefreshToken(subject, spec);
}

let fresh: TestDatabase;
let handle: DatabaseHandle;
let app: FastifyInstance;

// Rows as the one-row-per-token schema left them: t1 -> t2 -> t3 in "live", one token in "gone".
before(async () => {
  fresh = await freshDatabase();
  handle = openDatabase(fresh.url);
  await migrateTo(handle.db, handle.dialect, BEFORE_GENERATIONS);
  const passwordHash = await hashPassword('old-password', config.pbkdf2Iterations);
  await sql`insert into users (id, username, username_key, password_hash, role)
    values (1, 'old-timer', 'old-timer', ${passwordHash}, 'user')`.execute(handle.db);
  await sql`insert into refresh_families (id, user_id, created_at, revoked_at)
    values ('live', 1, ${now - 60_000}, null), ('gone', 1, ${now - 60_000}, ${now - 1000})`.execute(
    handle.db,
  );
  const issued = (nowSeconds - 60) * 1000;
  const expires = (nowSeconds + 3600) * 1000;
  await sql`insert into refresh_tokens (jti, family_id, issued_at, expires_at, retired_at, successor_jti)
    values ('t1', 'live', ${issued}, ${expires}, ${now - 30_000}, 't2'),
           ('t2', 'live', ${issued}, ${expires}, ${now - 1000}, 't3'),
           ('t3', 'live', ${issued}, ${expires}, null, null),
           ('g1', 'gone', ${issued}, ${expires}, null, null)`.execute(handle.db);
  await migrateToLatest(handle.db, handle.dialect);
  app = await buildApp({ config, db: handle.db });
});
after(async () => {
  await app?.close();
  await handle?.db.destroy();
  await fresh?.drop();
});

const refresh = (token: string) =>
  app.inject({ method: 'PUT', url: '/auth/', payload: { refresh_token: token } });

describe('migrating refresh tokens to one row per family', () => {
  it('When tokens issued before the migration come back, then rotation, grace and theft work as before', async () => {
    const families = await handle.db
      .selectFrom('refresh_families')
      .select(['id', 'generation', 'current_jti', 'previous_jti'])
      .orderBy('id')
      .execute();
    // Rows as plain objects: node:sqlite gives them no prototype, better-sqlite3 and pg do.
    assert.deepEqual(
      families.map((family) => ({ ...family })),
      [
        { id: 'gone', generation: 1, current_jti: 'g1', previous_jti: null },
        { id: 'live', generation: 3, current_jti: 't3', previous_jti: 't2' },
      ],
    );

    const doubleSubmit = await refresh(legacyToken('t2', 'live'));
    assert.equal(doubleSubmit.statusCode, 201, 't2 was retired a second ago');
    assert.equal(doubleSubmit.json<Tokens>().refresh_token, legacyToken('t3', 'live'));
    const rotated = await refresh(legacyToken('t3', 'live'));
    assert.equal(rotated.statusCode, 201);
    assert.equal(
      (await refresh(legacyToken('g1', 'gone'))).statusCode,
      401,
      'revoked stays revoked',
    );
    assert.equal(
      (await refresh(legacyToken('t1', 'live'))).statusCode,
      401,
      'an old token is theft',
    );
    assert.equal((await refresh(rotated.json<Tokens>().refresh_token)).statusCode, 401);
  });
});
