// Privileges that end the moment they are taken away, against real server processes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { onPostgres, type TestDatabase } from '../helpers.js';
import {
  accessTokenOf,
  call,
  createUserByCli,
  productionSettings,
  stopServers,
} from '../http-client.js';
import { startServer, tempDatabase, type RunningServer } from '../process.js';

interface PublicUser {
  id: number;
  username: string;
}

async function idOf(server: RunningServer, token: string, username: string): Promise<number> {
  const list = await call(server, 'GET', '/users/?per_page=100', { token });
  const id = (list.body as unknown as PublicUser[]).find((u) => u.username === username)?.id;
  assert.ok(id, `no user ${username}`);
  return id;
}

/** Every admin-only door a former admin might try with the token they still hold. */
async function adminDoors(server: RunningServer, token: string, ownId: number) {
  return {
    repromote: (await call(server, 'PATCH', `/users/${ownId}`, { body: { role: 'admin' }, token }))
      .status,
    createAdmin: (
      await call(server, 'POST', '/users/', {
        body: { username: `made-${Date.now()}`, password: 'pass-word-1', role: 'admin' },
        token,
      })
    ).status,
    writeCatalog: (
      await call(server, 'POST', '/genres/', { body: { name: `g${Date.now()}` }, token })
    ).status,
    listUsers: (await call(server, 'GET', '/users/', { token })).status,
    otherUser: (await call(server, 'GET', '/users/1', { token })).status,
  };
}

describe('Attacks with an admin token after the admin was demoted or deleted', () => {
  let database: TestDatabase;
  let server: RunningServer;

  before(async () => {
    database = await tempDatabase();
    const env = productionSettings(database.url);
    await createUserByCli(env, 'root', 'root-password', 'admin');
    await createUserByCli(env, 'mallory', 'mallory-password', 'admin');
    await createUserByCli(env, 'trudy', 'trudy-password', 'admin');
    server = await startServer(env);
  });
  after(async () => {
    await stopServers(server);
    await database.drop();
  });

  it('When an admin is demoted, then their old token is 403 at every admin door at once, and reads still work', async () => {
    const root = await accessTokenOf(server, 'root', 'root-password');
    const mallory = await accessTokenOf(server, 'mallory', 'mallory-password');
    const malloryId = await idOf(server, root, 'mallory');
    const demoted = await call(server, 'PATCH', `/users/${malloryId}`, {
      body: { role: 'user' },
      token: root,
    });
    assert.equal(demoted.status, 204);
    assert.deepEqual(await adminDoors(server, mallory, malloryId), {
      repromote: 403,
      createAdmin: 403,
      writeCatalog: 403,
      listUsers: 403,
      otherUser: 403,
    });
    const me = await call(server, 'GET', `/users/${malloryId}`, { token: mallory });
    assert.equal(me.status, 200);
    assert.equal(me.body.role, 'user');
    assert.equal((await call(server, 'GET', '/movies/1', { token: mallory })).status, 200);
  });

  it('When an admin is deleted, then their old token is 401 at every admin door', async () => {
    const root = await accessTokenOf(server, 'root', 'root-password');
    const trudy = await accessTokenOf(server, 'trudy', 'trudy-password');
    const trudyId = await idOf(server, root, 'trudy');
    assert.equal((await call(server, 'DELETE', `/users/${trudyId}`, { token: root })).status, 204);
    assert.deepEqual(await adminDoors(server, trudy, trudyId), {
      repromote: 401,
      createAdmin: 401,
      writeCatalog: 401,
      listUsers: 401,
      otherUser: 401,
    });
  });
});

describe(
  'A demotion on one instance, the old admin token on another',
  {
    skip: !onPostgres && 'needs PostgreSQL (TEST_DATABASE_URL)',
  },
  () => {
    let database: TestDatabase;
    let servers: RunningServer[] = [];

    before(async () => {
      database = await tempDatabase();
      const env = productionSettings(database.url);
      await createUserByCli(env, 'root', 'root-password', 'admin');
      await createUserByCli(env, 'mallory', 'mallory-password', 'admin');
      servers = await Promise.all([startServer(env), startServer(env)]);
    });
    after(async () => {
      await stopServers(...servers);
      await database.drop();
    });

    it('When instance A demotes an admin, then instance B refuses their token at once', async () => {
      const [a, b] = servers as [RunningServer, RunningServer];
      const root = await accessTokenOf(a, 'root', 'root-password');
      const mallory = await accessTokenOf(b, 'mallory', 'mallory-password');
      const malloryId = await idOf(a, root, 'mallory');
      assert.equal((await call(b, 'GET', '/users/', { token: mallory })).status, 200);
      const demoted = await call(a, 'PATCH', `/users/${malloryId}`, {
        body: { role: 'user' },
        token: root,
      });
      assert.equal(demoted.status, 204);
      assert.deepEqual(await adminDoors(b, mallory, malloryId), {
        repromote: 403,
        createAdmin: 403,
        writeCatalog: 403,
        listUsers: 403,
        otherUser: 403,
      });
    });
  },
);
