import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { authPurgeTasks } from '../../src/auth/purge-tasks.js';
import { purgeOnce } from '../../src/db/purge.js';
import { buildTestApp, decodeJwtPayload, signedIn, type TestContext } from '../helpers.js';

let ctx: TestContext;
before(async () => {
  ctx = await buildTestApp({ SEED_DEMO: 'false' });
});
after(() => ctx.app.close());

const refresh = (token: string) => ctx.api.put('/auth/', { refresh_token: token });

async function insertFamily(userId: number, id: string, expiresAt: number): Promise<void> {
  await ctx.db
    .insertInto('refresh_families')
    .values({
      id,
      user_id: userId,
      created_at: expiresAt - 1000,
      revoked_at: null,
      generation: 1,
      current_jti: `${id}-jti`,
      current_issued_at: expiresAt - 1000,
      current_expires_at: expiresAt,
      previous_jti: null,
      previous_retired_at: null,
    })
    .execute();
}

const rowsOf = async (table: 'refresh_families' | 'attempt_counters') =>
  Number(
    (
      await ctx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('rows'))
        .executeTakeFirstOrThrow()
    ).rows,
  );

describe('purgeOnce', () => {
  it('When two purges run at once, then expired and revoked rows are gone once, and live ones are kept and still work', async () => {
    const now = Date.now();
    const windowMs = ctx.config.loginFailureWindow * 1000;
    const keeper = await signedIn(ctx, 'keeper');
    const leaver = await signedIn(ctx, 'leaver');
    await ctx.api.delete('/auth/', { refresh_token: leaver.tokens.refresh_token });
    await insertFamily(keeper.id, 'expired-long-ago', now - 10 * 60_000);
    await insertFamily(keeper.id, 'expired-yesterday', now - 24 * 3600_000);
    await insertFamily(keeper.id, 'within-clock-leeway', now - 10_000);
    await ctx.db
      .insertInto('attempt_counters')
      .values([
        { key: 'old', window_start: now - windowMs - 1, hits: 3, blocked_until: 0 },
        {
          key: 'old-block-ended',
          window_start: now - windowMs - 2,
          hits: 10,
          blocked_until: now - 1,
        },
        { key: 'recent', window_start: now - 1000, hits: 1, blocked_until: 0 },
        {
          key: 'old-but-blocked',
          window_start: now - windowMs - 1,
          hits: 10,
          blocked_until: now + 60_000,
        },
      ])
      .execute();

    const tasks = authPurgeTasks({ loginFailureWindowMs: windowMs });
    const [first, second] = await Promise.all([
      purgeOnce(ctx.db, tasks, now, 1),
      purgeOnce(ctx.db, tasks, now, 1),
    ]);
    const total = (name: string) => (first?.[name] ?? 0) + (second?.[name] ?? 0);
    assert.equal(total('refresh_families'), 3, 'revoked + two expired');
    assert.equal(total('attempt_counters'), 2, 'idle windows whose blocks are over');

    const families = await ctx.db
      .selectFrom('refresh_families')
      .select('id')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      families.map((family) => family.id),
      [String(decodeJwtPayload(keeper.tokens.refresh_token).fam), 'within-clock-leeway'].sort(),
    );
    const counters = await ctx.db
      .selectFrom('attempt_counters')
      .select('key')
      .orderBy('key')
      .execute();
    assert.deepEqual(
      counters.map((counter) => counter.key).filter((key) => !/^[0-9a-f]{64}$/.test(key)),
      ['old-but-blocked', 'recent'],
    );
    assert.equal((await refresh(keeper.tokens.refresh_token)).statusCode, 201);
    assert.equal((await refresh(leaver.tokens.refresh_token)).statusCode, 401);

    assert.equal(
      await rowsOf('attempt_counters'),
      3,
      'those two, and the address of the logins above',
    );
    const again = await purgeOnce(ctx.db, tasks, now);
    assert.deepEqual(again, { refresh_families: 0, attempt_counters: 0 });
  });
});
