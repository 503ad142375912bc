// Attacks on the password checks, against real server processes over real sockets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onPostgres } from '../helpers.js';
import {
  call,
  countStatuses,
  createUserByCli,
  productionServers,
  type Answer,
} from '../http-client.js';
import type { RunningServer } from '../process.js';

const WRONG = 'wrong-password';
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Attacks on the login limits (one server process)', () => {
  const server = productionServers({
    // A hash takes a while, so a burst is truly under way at once; each client its own address.
    settings: {
      PBKDF2_ITERATIONS: '100000',
      TRUST_PROXY: 'true',
      HASH_QUEUE_PER_CLIENT: '100',
      LOGIN_MAX_FAILURES_PER_ADDRESS: '1000',
      REGISTRATIONS_PER_MINUTE: '4',
    },
    users: [
      { username: 'target', password: 'right-password' },
      { username: 'mailer', password: 'mailer-password' },
    ],
  });

  it('When 60 wrong passwords for one username arrive at once and then the right one, then at most 10 are checked, the rest and the right one get 429 with Retry-After', async () => {
    const burst = Array.from({ length: 60 }, (_, i) =>
      call(server, 'POST', '/auth/', {
        body: { username: 'target', password: `${WRONG}-${i}` },
        from: `198.51.100.${i + 1}`,
      }),
    );
    await delay(150);
    const right = call(server, 'POST', '/auth/', {
      body: { username: 'TARGET', password: 'right-password' },
      from: '203.0.113.200',
    });
    const answers = await Promise.all(burst);
    const counts = countStatuses(answers);
    assert.ok((counts[401] ?? 0) <= 10, JSON.stringify(counts));
    assert.equal((counts[401] ?? 0) + (counts[429] ?? 0), 60, JSON.stringify(counts));
    for (const answer of answers.filter((a) => a.status === 429)) {
      assert.equal(answer.body.code, 'too_many_requests');
      assert.ok(Number(answer.headers.get('retry-after')) >= 1);
    }
    const rightAnswer = await right;
    assert.equal(rightAnswer.status, 429, 'the right password inside the burst is refused too');
    assert.ok(Number(rightAnswer.headers.get('retry-after')) >= 1);
  });

  it('When an account is guessed by username and by email, then both count against one limit', async () => {
    const admin = await adminToken();
    const mailer = await call(server, 'GET', '/users/?per_page=100', { token: admin });
    const id = (mailer.body as unknown as { id: number; username: string }[]).find(
      (user) => user.username === 'mailer',
    )?.id;
    assert.ok(id);
    const set = await call(server, 'PATCH', `/users/${id}`, {
      body: { email: 'mailer@example.com' },
      token: admin,
    });
    assert.equal(set.status, 204);
    const answers: Answer[] = [];
    for (let i = 0; i < 5; i += 1) {
      answers.push(
        await call(server, 'POST', '/auth/', {
          body: { username: 'mailer', password: WRONG },
          from: '192.0.2.10',
        }),
      );
      answers.push(
        await call(server, 'POST', '/auth/login/', {
          body: { email: 'MAILER@example.com', password: WRONG },
          from: '192.0.2.11',
        }),
      );
    }
    assert.deepEqual(countStatuses(answers), { 401: 10 });
    const next = await call(server, 'POST', '/auth/login/', {
      body: { email: 'mailer@example.com', password: 'mailer-password' },
      from: '192.0.2.12',
    });
    assert.equal(next.status, 429);
  });

  it('When one client registers through both registration routes, then one budget counts them all', async () => {
    const from = '192.0.2.50';
    const answers = [
      await call(server, 'POST', '/users/', {
        body: { username: 'r1', password: 'pass-word-1' },
        from,
      }),
      await call(server, 'POST', '/auth/register/', {
        body: { email: 'r2@example.com', password: 'pass-word-2' },
        from,
      }),
      await call(server, 'POST', '/users/', {
        body: { username: 'r1', password: 'pass-word-1' },
        from,
      }),
      await call(server, 'POST', '/auth/register/', {
        body: { email: 'bad', password: 'x' },
        from,
      }),
    ];
    assert.deepEqual(
      answers.map((a) => a.status),
      [201, 201, 409, 400],
    );
    for (const route of ['/users/', '/auth/register/']) {
      const refused = await call(server, 'POST', route, {
        body:
          route === '/users/'
            ? { username: 'r5', password: 'pass-word-5' }
            : { email: 'r5@example.com', password: 'pass-word-5' },
        from,
      });
      assert.equal(refused.status, 429, route);
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    }
    const elsewhere = await call(server, 'POST', '/users/', {
      body: { username: 'r6', password: 'pass-word-6' },
      from: '192.0.2.51',
    });
    assert.equal(elsewhere.status, 201);
  });

  async function adminToken(): Promise<string> {
    if (!adminTokenPromise) {
      adminTokenPromise = (async () => {
        await createUserByCli(server.env, 'boss', 'boss-password', 'admin');
        const answer = await call(server, 'POST', '/auth/', {
          body: { username: 'boss', password: 'boss-password' },
          from: '10.9.9.9',
        });
        assert.equal(answer.status, 201);
        return String(answer.body.access_token);
      })();
    }
    return adminTokenPromise;
  }
  let adminTokenPromise: Promise<string> | undefined;
});

describe('Attacks through the password-change door and on the hashing threads', () => {
  const server = productionServers({
    settings: {
      PBKDF2_ITERATIONS: '100000',
      TRUST_PROXY: 'true',
      LOGIN_MAX_FAILURES_PER_ADDRESS: '1000',
    },
    users: [
      { username: 'victim', password: 'victim-password' },
      { username: 'erin', password: 'erin-password' },
    ],
  });

  it('When 25 wrong old passwords are tried at PUT /user/password/, then the 11th and later get 429, and so does a login of that account', async () => {
    const login = await call(server, 'POST', '/auth/', {
      body: { username: 'victim', password: 'victim-password' },
      from: '192.0.2.1',
    });
    assert.equal(login.status, 201);
    const token = String(login.body.access_token);
    const answers: Answer[] = [];
    for (let i = 0; i < 25; i += 1) {
      answers.push(
        await call(server, 'PUT', '/user/password/', {
          body: { old_password: `${WRONG}-${i}`, new_password: 'new-password-1' },
          token,
          from: '192.0.2.1',
        }),
      );
    }
    assert.deepEqual(
      answers.map((a) => a.status),
      [...Array<number>(10).fill(400), ...Array<number>(15).fill(429)],
    );
    assert.equal(answers[0]?.body.code, 'validation_error');
    assert.ok(Number(answers[24]?.headers.get('retry-after')) >= 1);
    const blockedLogin = await call(server, 'POST', '/auth/', {
      body: { username: 'victim', password: 'victim-password' },
      from: '192.0.2.99',
    });
    assert.equal(blockedLogin.status, 429);
  });

  it('When two password changes with the same old password race, then only one is told it worked, and its password is the one that holds', async () => {
    const login = await call(server, 'POST', '/auth/', {
      body: { username: 'erin', password: 'erin-password' },
      from: '192.0.2.40',
    });
    const token = String(login.body.access_token);
    const [victim, attacker] = await Promise.all(
      ['victim-new-pw', 'attacker-new-pw'].map((newPassword, i) =>
        call(server, 'PUT', '/user/password/', {
          body: { old_password: 'erin-password', new_password: newPassword },
          token,
          from: `192.0.2.${41 + i}`,
        }),
      ),
    );
    assert.deepEqual([victim?.status, attacker?.status].sort(), [204, 400]);
    const winner = victim?.status === 204 ? 'victim-new-pw' : 'attacker-new-pw';
    const loser = winner === 'victim-new-pw' ? 'attacker-new-pw' : 'victim-new-pw';
    const loserAnswer = victim?.status === 400 ? victim : attacker;
    assert.equal(loserAnswer?.body.code, 'validation_error');
    const tryLogin = (password: string) =>
      call(server, 'POST', '/auth/', { body: { username: 'erin', password }, from: '192.0.2.43' });
    assert.equal((await tryLogin(winner)).status, 201);
    assert.equal((await tryLogin(loser)).status, 401);
  });

  it('When one client floods the hashing routes at once, then past its 32 waiting checks it gets 429 and another client still registers', async () => {
    const flood = Array.from({ length: 80 }, (_, i) =>
      call(server, 'POST', '/auth/', {
        body: { username: `nobody-${i}`, password: WRONG },
        from: '198.51.100.77',
      }),
    );
    await delay(20);
    const other = await call(server, 'POST', '/users/', {
      body: { username: 'bystander', password: 'bystander-pw' },
      from: '203.0.113.5',
    });
    const counts = countStatuses(await Promise.all(flood));
    assert.ok((counts[401] ?? 0) >= 32, JSON.stringify(counts));
    assert.ok((counts[429] ?? 0) >= 1, JSON.stringify(counts));
    assert.equal((counts[401] ?? 0) + (counts[429] ?? 0), 80, JSON.stringify(counts));
    assert.equal(other.status, 201);
  });
});

describe('A login whose check began before a password change', () => {
  const server = productionServers({
    settings: { TRUST_PROXY: 'true' },
    users: [
      // This user's stored hash is slow to check; the server hashes new passwords quickly.
      {
        username: 'slowpoke',
        password: 'old-password-1',
        settings: { PBKDF2_ITERATIONS: '3000000' },
      },
      { username: 'chief', password: 'chief-password', role: 'admin' },
    ],
  });

  it('When the password is changed while the old one is being checked, then the login yields no session', async () => {
    const chief = await call(server, 'POST', '/auth/', {
      body: { username: 'chief', password: 'chief-password' },
    });
    const token = String(chief.body.access_token);
    const users = await call(server, 'GET', '/users/', { token });
    const id = (users.body as unknown as { id: number; username: string }[]).find(
      (user) => user.username === 'slowpoke',
    )?.id;
    const started = Date.now();
    const login = call(server, 'POST', '/auth/', {
      body: { username: 'slowpoke', password: 'old-password-1' },
      from: '192.0.2.30',
    });
    await delay(100);
    const changed = await call(server, 'PATCH', `/users/${id}`, {
      body: { password: 'new-password-1' },
      token,
    });
    assert.equal(changed.status, 204);
    const answer = await login;
    assert.ok(Date.now() - started > 150, 'the check really was under way during the change');
    assert.equal(answer.status, 401, JSON.stringify(answer.body));
    assert.equal(answer.body.code, 'invalid_credentials');
    const fresh = await call(server, 'POST', '/auth/', {
      body: { username: 'slowpoke', password: 'new-password-1' },
    });
    assert.equal(fresh.status, 201);
  });
});

describe(
  'Login limits across two server processes on one PostgreSQL database',
  {
    skip: !onPostgres && 'needs PostgreSQL (TEST_DATABASE_URL)',
  },
  () => {
    const cluster = productionServers({
      count: 2,
      settings: {
        PBKDF2_ITERATIONS: '100000',
        TRUST_PROXY: 'true',
        HASH_QUEUE_PER_CLIENT: '100',
        LOGIN_MAX_FAILURES_PER_ADDRESS: '1000',
        REGISTRATIONS_PER_MINUTE: '3',
      },
      users: [{ username: 'shared', password: 'shared-password' }],
    });

    it('When a burst of wrong passwords is split over both instances, then at most 10 are checked in all', async () => {
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          call(cluster.servers[i % 2] as RunningServer, 'POST', '/auth/', {
            body: { username: 'shared', password: `${WRONG}-${i}` },
            from: `198.51.100.${i + 1}`,
          }),
        ),
      );
      const counts = countStatuses(answers);
      assert.ok((counts[401] ?? 0) <= 10, JSON.stringify(counts));
      assert.equal((counts[401] ?? 0) + (counts[429] ?? 0), 60, JSON.stringify(counts));
    });

    it('When one address registers on both instances, then they share one budget', async () => {
      const from = '2001:db8:aa:bb::1';
      const statuses = [];
      for (let i = 0; i < 4; i += 1) {
        const answer = await call(cluster.servers[i % 2] as RunningServer, 'POST', '/users/', {
          body: { username: `twin-${i}`, password: 'pass-word-0' },
          from: i === 3 ? '2001:db8:aa:bb::ffff' : from,
        });
        statuses.push(answer.status);
      }
      assert.deepEqual(statuses, [201, 201, 201, 429], 'one /64, one budget');
    });
  },
);
