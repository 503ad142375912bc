import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryLoginThrottle } from '../../src/auth/login-limiter.js';

const limits = {
  maxFailuresPerUsername: 3,
  maxFailuresPerAddress: 5,
  windowMs: 15 * 60_000,
  blockMs: 60_000,
};

function throttleAt(start = 1_000_000) {
  const clock = { now: start };
  return { clock, throttle: new MemoryLoginThrottle(limits, () => clock.now) };
}

describe('MemoryLoginThrottle', () => {
  it('When a username reaches the limit, then it is blocked for the block time, then counts from zero', async () => {
    const { clock, throttle } = throttleAt();
    for (let i = 0; i < 3; i += 1) {
      assert.equal(await throttle.retryAfter('bob', `a${i}`), null);
      await throttle.recordFailure('bob', `a${i}`);
    }
    assert.equal(await throttle.retryAfter('bob', 'elsewhere'), 60);
    clock.now += 59_500;
    assert.equal(await throttle.retryAfter('bob', 'elsewhere'), 1);
    clock.now += 500;
    assert.equal(await throttle.retryAfter('bob', 'elsewhere'), null);
    await throttle.recordFailure('bob', 'x');
    await throttle.recordFailure('bob', 'x');
    assert.equal(
      await throttle.retryAfter('bob', 'y'),
      null,
      'two fresh failures are under the limit',
    );
  });

  it('When failures are older than the window, then they no longer count', async () => {
    const { clock, throttle } = throttleAt();
    await throttle.recordFailure('ann', 'a');
    await throttle.recordFailure('ann', 'a');
    clock.now += 15 * 60_000;
    await throttle.recordFailure('ann', 'a');
    assert.equal(await throttle.retryAfter('ann', 'b'), null);
  });

  it('When a login succeeds, then the username count is cleared but the address count is not', async () => {
    const { throttle } = throttleAt();
    for (let i = 0; i < 4; i += 1)
      await throttle.recordFailure(i < 2 ? 'cat' : `other${i}`, 'shared');
    await throttle.recordSuccess('cat');
    await throttle.recordFailure('cat', 'fresh');
    await throttle.recordFailure('cat', 'fresh');
    assert.equal(await throttle.retryAfter('cat', 'fresh'), null);
    await throttle.recordFailure('dan', 'shared');
    assert.equal(
      await throttle.retryAfter('anyone', 'shared'),
      60,
      'the fifth failure from one address blocks it',
    );
  });
});
