import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DatabaseLoginThrottle } from '../../src/auth/login-limiter.js';
import { openTestDatabase, type OpenTestDatabase } from '../helpers.js';

const limits = {
  maxFailuresPerUsername: 3,
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
  return {
    clock,
    name,
    throttle: new DatabaseLoginThrottle(opened.database.db, limits, () => clock.now),
  };
}

describe('DatabaseLoginThrottle', () => {
  it('When a username reaches the limit, then it is blocked for the block time, then counts from zero', async () => {
    const { clock, name, throttle } = throttleAt();
    for (let i = 0; i < 3; i += 1) {
      assert.equal(await throttle.retryAfter(name('bob'), name(`a${i}`)), null);
      await throttle.recordFailure(name('bob'), name(`a${i}`));
    }
    assert.equal(await throttle.retryAfter(name('bob'), name('elsewhere')), 60);
    clock.now += 59_500;
    assert.equal(await throttle.retryAfter(name('bob'), name('elsewhere')), 1);
    clock.now += 500;
    assert.equal(await throttle.retryAfter(name('bob'), name('elsewhere')), null);
    await throttle.recordFailure(name('bob'), name('x'));
    await throttle.recordFailure(name('bob'), name('x'));
    assert.equal(
      await throttle.retryAfter(name('bob'), name('y')),
      null,
      'two fresh failures are under the limit',
    );
  });

  it('When failures are older than the window, then they no longer count', async () => {
    const { clock, name, throttle } = throttleAt();
    await throttle.recordFailure(name('ann'), name('a'));
    await throttle.recordFailure(name('ann'), name('a'));
    clock.now += 15 * 60_000;
    await throttle.recordFailure(name('ann'), name('a'));
    assert.equal(await throttle.retryAfter(name('ann'), name('b')), null);
  });

  it('When a login succeeds, then the username count is cleared but the address count is not', async () => {
    const { name, throttle } = throttleAt();
    for (let i = 0; i < 4; i += 1)
      await throttle.recordFailure(name(i < 2 ? 'cat' : `other${i}`), name('shared'));
    await throttle.recordSuccess(name('cat'));
    await throttle.recordFailure(name('cat'), name('fresh'));
    await throttle.recordFailure(name('cat'), name('fresh'));
    assert.equal(await throttle.retryAfter(name('cat'), name('fresh')), null);
    await throttle.recordFailure(name('dan'), name('shared'));
    assert.equal(
      await throttle.retryAfter(name('anyone'), name('shared')),
      60,
      'the fifth failure from one address blocks it',
    );
  });

  it('When usernames are stored, then only as digests', async () => {
    const { name, throttle } = throttleAt();
    await throttle.recordFailure(name('my-secret-typo'), name('10.0.0.1'));
    const keys = await opened.database.db.selectFrom('login_failures').select('key').execute();
    assert.ok(keys.length > 0);
    for (const { key } of keys) assert.match(key, /^[0-9a-f]{64}$/);
  });
});
