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

const refresh = (token: string) =>
  ctx.app.inject({ method: 'PUT', url: '/auth/', payload: { refresh_token: token } });

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

const remaining = async (table: 'refresh_families' | 'login_failures' | 'login_blocks') =>
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
    await ctx.app.inject({
      method: 'DELETE',
      url: '/auth/',
      payload: { refresh_token: leaver.tokens.refresh_token },
    });
    await insertFamily(keeper.id, 'expired-long-ago', now - 10 * 60_000);
    await insertFamily(keeper.id, 'expired-yesterday', now - 24 * 3600_000);
    await insertFamily(keeper.id, 'within-clock-leeway', now - 10_000);
    await ctx.db
      .insertInto('login_failures')
      .values([
        { key: 'old', failed_at: now - windowMs - 1 },
        { key: 'old', failed_at: now - windowMs - 2 },
        { key: 'recent', failed_at: now - 1000 },
      ])
      .execute();
    await ctx.db
      .insertInto('login_blocks')
      .values([
        { key: 'ended', blocked_until: now - 1 },
        { key: 'active', blocked_until: now + 60_000 },
      ])
      .execute();

    const tasks = authPurgeTasks({ loginFailureWindowMs: windowMs });
    const [first, second] = await Promise.all([
      purgeOnce(ctx.db, tasks, now, 1),
      purgeOnce(ctx.db, tasks, now, 1),
    ]);
    const total = (name: string) => (first?.[name] ?? 0) + (second?.[name] ?? 0);
    assert.equal(total('refresh_families'), 3, 'revoked + two expired');
    assert.equal(total('login_failures'), 2);
    assert.equal(total('login_blocks'), 1);

    const families = await ctx.db
      .selectFrom('refresh_families')
      .select('id')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      families.map((family) => family.id),
      [String(decodeJwtPayload(keeper.tokens.refresh_token).fam), 'within-clock-leeway'].sort(),
    );
    assert.equal(await remaining('login_failures'), 1);
    assert.equal(await remaining('login_blocks'), 1);
    assert.equal((await refresh(keeper.tokens.refresh_token)).statusCode, 201);
    assert.equal((await refresh(leaver.tokens.refresh_token)).statusCode, 401);

    const again = await purgeOnce(ctx.db, tasks, now);
    assert.deepEqual(again, { refresh_families: 0, login_failures: 0, login_blocks: 0 });
  });
});
