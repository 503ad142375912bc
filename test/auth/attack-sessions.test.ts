// Growing the sessions table through one account, against a real server process.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_SESSIONS_PER_USER } from '../../src/auth/sessions.js';
import { openDatabase } from '../../src/db/database.js';
import { call, productionServers } from '../http-client.js';

describe('One account logging in over and over', () => {
  const server = productionServers({ users: [{ username: 'alice', password: 'alice-password' }] });

  it('When one account logs in many times, then it keeps a bounded number of sessions, the oldest going first', async () => {
    const refreshTokens: string[] = [];
    for (let i = 0; i < MAX_SESSIONS_PER_USER + 15; i += 1) {
      const answer = await call(server, 'POST', '/auth/', {
        body: { username: 'alice', password: 'alice-password' },
      });
      assert.equal(answer.status, 201);
      refreshTokens.push(String(answer.body.refresh_token));
    }
    const opened = openDatabase(server.env.DATABASE_URL ?? '');
    try {
      const row = await opened.db
        .selectFrom('refresh_families')
        .select((eb) => eb.fn.countAll().as('families'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(row.families), MAX_SESSIONS_PER_USER);
    } finally {
      await opened.db.destroy();
    }
    const oldest = await call(server, 'PUT', '/auth/', {
      body: { refresh_token: refreshTokens[0] },
    });
    assert.equal(oldest.status, 401);
    const newest = await call(server, 'PUT', '/auth/', {
      body: { refresh_token: refreshTokens.at(-1) },
    });
    assert.equal(newest.status, 201);
  });
});
