import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { runCli, tempDatabase } from '../process.js';

const drops: (() => Promise<void>)[] = [];
after(async () => {
  for (const drop of drops) await drop();
});

async function settings(): Promise<Record<string, string>> {
  const database = await tempDatabase();
  drops.push(database.drop);
  return {
    DATABASE_URL: database.url,
    JWT_SECRET: 'cli-test-secret-cli-test-secret-cli',
    PBKDF2_ITERATIONS: '1000',
  };
}

describe('command line', () => {
  it('When create-user runs on a new database, then it creates, migrates, seeds and makes the user', async () => {
    const env = await settings();
    const created = await runCli(
      ['create-user', '--username', 'root', '--password', 'root-password', '--role', 'admin'],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /created admin "root" with id 1/);
    const again = await runCli(
      ['create-user', '--username', 'ROOT', '--password', 'root-password'],
      env,
    );
    assert.equal(again.code, 1);
    assert.equal(again.stderr.trim().split('\n').length, 1, again.stderr);
    assert.match(again.stderr, /taken/);
    const seed = await runCli(['seed'], env);
    assert.equal(seed.code, 1, 'the demo catalog is already there');
    assert.match(seed.stderr, /not empty/);
  });

  it('When input is bad, then a one-line error and a non-zero exit', async () => {
    const env = await settings();
    const cases: string[][] = [
      ['create-user', '--username', 'shorty', '--password', 'short'],
      ['create-user', '--username', ' spaced', '--password', 'long enough'],
      ['create-user', '--username', 'x', '--password', 'long enough', '--role', 'root'],
      ['create-user', '--username', 'x'],
      ['create-user', '--user', 'x'],
      ['frobnicate'],
    ];
    for (const args of cases) {
      const result = await runCli(args, env);
      assert.equal(result.code, 1, args.join(' '));
      assert.equal(
        result.stderr.trim().split('\n').length,
        1,
        `${args.join(' ')}: ${result.stderr}`,
      );
    }
  });

  it('When SEED_DEMO=false, then migrate makes an empty database that seed fills', async () => {
    const env = { ...(await settings()), SEED_DEMO: 'false' };
    const migrated = await runCli(['migrate'], env);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /created/);
    assert.match((await runCli(['migrate'], env)).stdout, /up to date/);
    const seeded = await runCli(['seed'], env);
    assert.equal(seeded.code, 0, seeded.stderr);
    assert.match(seeded.stdout, /18 genres, 20 directors, 20 movies/);
  });

  it('When a setting is bad, then the CLI stops naming it', async () => {
    const result = await runCli(['migrate'], { ...(await settings()), PBKDF2_ITERATIONS: 'many' });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /PBKDF2_ITERATIONS/);
  });
});
