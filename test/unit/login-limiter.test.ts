import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DatabaseLoginThrottle, DatabaseRegistrationLimit } from '../../src/auth/login-limiter.js';
import { purgeIdleCounters } from '../../src/auth/attempt-counter-repository.js';
import { clientGroupOf } from '../../src/shared/client-address.js';
import { openTestDatabase, type OpenTestDatabase } from '../helpers.js';

const limits = {
  maxFailuresPerAccount: 3,
  maxFailuresPerAddress: 5,
  windowMs: 15 * 60_000,
  blockMs: 60_000,
};

let opened: OpenTestDatabase;
before(async () => {
  opened = await openTestDatabase({ SEED_DEMO: 'false' });
});
after(() => opened.close());

let namespace = 0;
function throttleAt(start = 1_000_000) {
  const clock = { now: start };
  namespace += 1;
  const name = (text: string) => `${namespace}-${text}`;
  const throttle = new DatabaseLoginThrottle(opened.database.db, limits, () => clock.now);
  /** One whole attempt: reserve, then fail. Returns the wait when refused. */
  const fail = async (account: string, address: string): Promise<number | null> => {
    const wait = await throttle.reserve(name(account), name(address));
    if (wait === null) await throttle.recordFailure(name(account), name(address));
    return wait;
  };
  return { clock, name, throttle, fail };
}

describe('DatabaseLoginThrottle', () => {
  it('When an account reaches the limit, then it is blocked for the block time, then counts from zero', async () => {
    const { clock, name, throttle, fail } = throttleAt();
    for (let i = 0; i < 3; i += 1) assert.equal(await fail('bob', `a${i}`), null);
    assert.equal(await throttle.reserve(name('bob'), name('elsewhere')), 60);
    clock.now += 59_500;
    assert.equal(await throttle.reserve(name('bob'), name('elsewhere')), 0.5);
    clock.now += 500;
    assert.equal(await fail('bob', 'x'), null);
    assert.equal(await fail('bob', 'x'), null);
    assert.equal(await fail('bob', 'y'), null, 'three fresh failures are the limit again');
    assert.equal(await throttle.reserve(name('bob'), name('z')), 60);
  });

  it('When reservations arrive at once, then no more than the limit are granted', async () => {
    const { name, throttle } = throttleAt();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => throttle.reserve(name('eve'), name(`b${i}`))),
    );
    assert.equal(answers.filter((wait) => wait === null).length, 3);
    assert.ok(answers.every((wait) => wait === null || wait === 60));
  });

  it('When failures are older than the window, then they no longer count', async () => {
    const { clock, fail } = throttleAt();
    await fail('ann', 'a');
    await fail('ann', 'a');
    clock.now += 15 * 60_000;
    await fail('ann', 'a');
    assert.equal(await fail('ann', 'b'), null);
    assert.equal(await fail('ann', 'c'), null);
  });

  it('When a login succeeds, then the account count is cleared and the address gets its check back', async () => {
    const { name, throttle, fail } = throttleAt();
    await fail('cat', 'shared');
    await fail('cat', 'shared');
    assert.equal(await throttle.reserve(name('cat'), name('shared')), null);
    await throttle.recordSuccess(name('cat'), name('shared'));
    for (let i = 0; i < 3; i += 1) assert.equal(await fail('cat', 'fresh'), null);
    assert.equal(await fail('dan', 'shared'), null);
    assert.equal(await fail('eli', 'shared'), null);
    assert.equal(await fail('fay', 'shared'), null, 'the fifth failure from one address');
    assert.equal(await throttle.reserve(name('anyone'), name('shared')), 60);
  });

  it('When an IPv6 client changes address within its /64, then it is the same client', async () => {
    const { throttle } = throttleAt();
    const many = Array.from({ length: 6 }, (_, i) => `2001:db8:1:2::${(i + 1).toString(16)}`);
    const waits = [];
    for (const [i, address] of many.entries()) {
      const wait = await throttle.reserve(`acct-${namespace}-${i}`, address);
      if (wait === null) await throttle.recordFailure(`acct-${namespace}-${i}`, address);
      waits.push(wait);
    }
    assert.deepEqual(waits.slice(0, 5), [null, null, null, null, null]);
    assert.equal(waits[5], 60);
  });

  it('When accounts are stored, then only as digests', async () => {
    const { fail } = throttleAt();
    await fail('my-secret-typo', '10.0.0.1');
    const keys = await opened.database.db.selectFrom('attempt_counters').select('key').execute();
    assert.ok(keys.length > 0);
    for (const { key } of keys) assert.match(key, /^[0-9a-f]{64}$/);
  });

  it('When counters are idle past the longest window, then the purge forgets them and keeps the rest', async () => {
    const { db } = opened.database;
    const { clock, name, throttle, fail } = throttleAt(50_000_000);
    await fail('old', 'o');
    clock.now += limits.windowMs;
    await fail('new', 'n');
    for (let i = 0; i < 3; i += 1) await fail('blocked', `k${i}`);
    const before = await db.selectFrom('attempt_counters').select('key').execute();
    await purgeIdleCounters(db, clock.now, limits.windowMs, 100);
    const afterPurge = await db.selectFrom('attempt_counters').select('key').execute();
    assert.equal(before.length - afterPurge.length >= 2, true, 'old account and address are gone');
    assert.equal(await throttle.reserve(name('blocked'), name('k9')), 60, 'a block survives');
  });
});

describe('DatabaseRegistrationLimit', () => {
  it('When one address registers past the limit in a minute, then it waits for the window to end', async () => {
    const clock = { now: 9_000_000 };
    const limit = new DatabaseRegistrationLimit(opened.database.db, 2, () => clock.now);
    assert.equal(await limit.reserve('192.0.2.7'), null);
    clock.now += 10_000;
    assert.equal(await limit.reserve('192.0.2.7'), null);
    assert.equal(await limit.reserve('192.0.2.7'), 50);
    assert.equal(await limit.reserve('192.0.2.8'), null);
    clock.now += 50_000;
    assert.equal(await limit.reserve('192.0.2.7'), null);
  });
});

describe('clientGroupOf', () => {
  it('groups IPv6 by /64 and leaves IPv4 as it is', () => {
    assert.equal(clientGroupOf('203.0.113.9'), '203.0.113.9');
    assert.equal(clientGroupOf('::ffff:203.0.113.9'), '203.0.113.9');
    assert.equal(clientGroupOf('2001:db8:1:2::1'), '2001:db8:1:2::/64');
    assert.equal(clientGroupOf('2001:0db8:0001:0002:ffff:1:2:3'), '2001:db8:1:2::/64');
    assert.equal(clientGroupOf('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(clientGroupOf('::1'), '0:0:0:0::/64');
  });

  it('reads the forms proxies write: brackets, ports, zones, hex-mapped IPv4, case', () => {
    assert.equal(clientGroupOf('[2001:db8:1:3::2]'), '2001:db8:1:3::/64');
    assert.equal(clientGroupOf('[2001:DB8:1:3::2]:8443'), '2001:db8:1:3::/64');
    assert.equal(clientGroupOf('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(clientGroupOf('10.8.8.8:1234'), '10.8.8.8');
    assert.equal(clientGroupOf('::ffff:a09:909'), '10.9.9.9');
    assert.equal(clientGroupOf('0:0:0:0:0:ffff:10.9.9.9'), '10.9.9.9');
    assert.equal(clientGroupOf('::FFFF:10.9.9.9'), '10.9.9.9');
  });
});
