// Privileges that end the moment they are taken away, against real server processes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onPostgres } from '../helpers.js';
import { accessTokenOf, call, productionServers, type CliUser } from '../http-client.js';
import type { RunningServer } from '../process.js';

const admin = (username: string): CliUser => ({
  username,
  password: `${username}-password`,
  role: 'admin',
});

/** What a former admin's token gets at every admin door, once demoted (403) or deleted (401). */
const everyDoor = (status: number) => ({
  repromote: status,
  createAdmin: status,
  writeCatalog: status,
  listUsers: status,
  otherUser: status,
});

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
  const server = productionServers({ users: [admin('root'), admin('mallory'), admin('trudy')] });

  it('When an admin is demoted, then their old token is 403 at every admin door at once, and reads still work', async () => {
    const root = await accessTokenOf(server, 'root', 'root-password');
    const mallory = await accessTokenOf(server, 'mallory', 'mallory-password');
    const malloryId = await idOf(server, root, 'mallory');
    const demoted = await call(server, 'PATCH', `/users/${malloryId}`, {
      body: { role: 'user' },
      token: root,
    });
    assert.equal(demoted.status, 204);
    assert.deepEqual(await adminDoors(server, mallory, malloryId), everyDoor(403));
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
    assert.deepEqual(await adminDoors(server, trudy, trudyId), everyDoor(401));
  });
});

describe(
  'A demotion on one instance, the old admin token on another',
  {
    skip: !onPostgres && 'needs PostgreSQL (TEST_DATABASE_URL)',
  },
  () => {
    const cluster = productionServers({ count: 2, users: [admin('root'), admin('mallory')] });

    it('When instance A demotes an admin, then instance B refuses their token at once', async () => {
      const [a, b] = cluster.servers as [RunningServer, RunningServer];
      const root = await accessTokenOf(a, 'root', 'root-password');
      const mallory = await accessTokenOf(b, 'mallory', 'mallory-password');
      const malloryId = await idOf(a, root, 'mallory');
      assert.equal((await call(b, 'GET', '/users/', { token: mallory })).status, 200);
      const demoted = await call(a, 'PATCH', `/users/${malloryId}`, {
        body: { role: 'user' },
        token: root,
      });
      assert.equal(demoted.status, 204);
      assert.deepEqual(await adminDoors(b, mallory, malloryId), everyDoor(403));
    });
  },
);
