import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, MAX_PREVIOUS_SECRETS } from '../../src/config.js';

const strongSecret = 's'.repeat(32);

describe('loadConfig', () => {
  it('When nothing is set in production, then startup stops naming JWT_SECRET', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production' }),
      (error: Error) => error instanceof ConfigError && /JWT_SECRET/.test(error.message),
    );
  });

  it('When the production secret is under 32 bytes, then startup stops', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 's'.repeat(31) }),
      /at least 32 bytes/,
    );
    // 11 Cyrillic letters are 22 bytes: bytes count, not characters.
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'ж'.repeat(11) }),
      /at least 32 bytes/,
    );
    assert.equal(
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'ж'.repeat(16) }).jwtSecret.length,
      32,
    );
  });

  it('When no secret is set in development, then one is generated once and kept with mode 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'movies-config-'));
    const env = { DATABASE_URL: `sqlite:${join(dir, 'movies.db')}` };
    const first = loadConfig(env);
    const second = loadConfig(env);
    assert.ok(first.jwtSecret.length >= 32);
    assert.deepEqual(first.jwtSecret, second.jwtSecret);
    const file = join(dir, 'jwt-secret');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readFileSync(file), first.jwtSecret);
  });

  it('When defaults apply, then they are the contract values', () => {
    const config = loadConfig({ JWT_SECRET: strongSecret });
    assert.equal(config.port, 10001);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.databaseUrl, 'sqlite:./data/movies.db');
    assert.equal(config.accessTokenTtl, 900);
    assert.equal(config.refreshTokenTtl, 2_592_000);
    assert.equal(config.refreshReuseGrace, 10);
    assert.equal(config.pbkdf2Iterations, 600_000);
    assert.equal(config.catalogRead, 'authenticated');
    assert.equal(config.seedDemo, true);
    assert.equal(config.responseCacheMb, 8);
    assert.ok(Object.isFrozen(config));
  });

  it('When a value is bad, then the error names the setting', () => {
    const cases: [string, string][] = [
      ['PORT', 'http'],
      ['PORT', '70000'],
      ['ACCESS_TOKEN_TTL', '-5'],
      ['REFRESH_TOKEN_TTL', '1.5'],
      ['PBKDF2_ITERATIONS', '0'],
      ['CATALOG_READ', 'everyone'],
      ['SEED_DEMO', 'maybe'],
      ['LOG_LEVEL', 'loud'],
      ['NODE_ENV', 'staging'],
      ['DATABASE_URL', 'mysql://x'],
      ['TRUST_PROXY', 'yes please'],
      ['RESPONSE_CACHE_MB', '-1'],
      ['RESPONSE_CACHE_MB', '0.5'],
      ['RESPONSE_CACHE_MB', 'lots'],
      ['RESPONSE_CACHE_MB', '5000'],
      ['CATALOG_POLL_MS', '0'],
      ['CATALOG_POLL_MS', 'often'],
      ['CATALOG_POLL_WHILE_LISTENING_MS', '-1'],
      ['DATABASE_LISTEN_URL', 'sqlite:./elsewhere.db'],
    ];
    for (const [name, value] of cases) {
      assert.throws(
        () => loadConfig({ JWT_SECRET: strongSecret, [name]: value }),
        new RegExp(name),
        `${name}=${value}`,
      );
    }
  });

  it('When the catalog settings are left out, then the poll is 500 ms, 10 s while listening, on DATABASE_URL', () => {
    const config = loadConfig({ JWT_SECRET: strongSecret, DATABASE_URL: 'postgres://db/movies' });
    assert.equal(config.catalogPollMs, 500);
    assert.equal(config.catalogPollWhileListeningMs, 10_000);
    assert.equal(config.databaseListenUrl, 'postgres://db/movies');
    const direct = loadConfig({
      JWT_SECRET: strongSecret,
      DATABASE_URL: 'postgres://pooler/movies',
      DATABASE_LISTEN_URL: 'postgres://db/movies',
    });
    assert.equal(direct.databaseListenUrl, 'postgres://db/movies');
  });

  it('When METRICS_TOKEN is unset or empty, then there is no metrics token', () => {
    assert.equal(loadConfig({ JWT_SECRET: strongSecret }).metricsToken, null);
    assert.equal(loadConfig({ JWT_SECRET: strongSecret, METRICS_TOKEN: '' }).metricsToken, null);
  });

  it('When METRICS_TOKEN is long enough, then it is kept exactly as set', () => {
    for (const token of ['a'.repeat(16), 'Zm9vYmFyYmF6cXV4cXV1eA==', 'k3y_with-url.safe~chars/+']) {
      assert.equal(
        loadConfig({ JWT_SECRET: strongSecret, METRICS_TOKEN: token }).metricsToken,
        token,
      );
    }
  });

  it('When METRICS_TOKEN is short or holds characters a Bearer token cannot, then startup stops naming it without echoing it', () => {
    for (const token of [
      'a'.repeat(15),
      'secret',
      'sixteen chars ok',
      'токен-токен-токен-токен',
      'abc=def0123456789',
    ]) {
      assert.throws(
        () => loadConfig({ JWT_SECRET: strongSecret, METRICS_TOKEN: token }),
        (error: Error) =>
          error instanceof ConfigError &&
          /METRICS_TOKEN/.test(error.message) &&
          !error.message.includes(token),
        token,
      );
    }
  });

  it('When TRUST_PROXY is a count or a list, then it is kept as such', () => {
    assert.equal(loadConfig({ JWT_SECRET: strongSecret, TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(
      loadConfig({ JWT_SECRET: strongSecret, TRUST_PROXY: '10.0.0.1, 10.0.0.0/8' }).trustProxy,
      ['10.0.0.1', '10.0.0.0/8'],
    );
  });
});

describe('JWT_PREVIOUS_SECRETS', () => {
  const previousSecretsOf = (value: string | undefined, nodeEnv = 'development') =>
    loadConfig({ NODE_ENV: nodeEnv, JWT_SECRET: strongSecret, JWT_PREVIOUS_SECRETS: value })
      .jwtPreviousSecrets;
  const refused = (value: string, pattern: RegExp, nodeEnv = 'development') =>
    assert.throws(
      () => previousSecretsOf(value, nodeEnv),
      (error: Error) =>
        error instanceof ConfigError &&
        /JWT_PREVIOUS_SECRETS/.test(error.message) &&
        pattern.test(error.message),
      value,
    );

  it('When it is unset or empty, then no previous secret verifies', () => {
    assert.deepEqual(previousSecretsOf(undefined), []);
    assert.deepEqual(previousSecretsOf(''), []);
  });

  it('When it lists secrets separated by commas, then each is kept as its UTF-8 bytes, in order', () => {
    const secrets = previousSecretsOf('first-old-key,ж-second-old-key');
    assert.deepEqual(
      secrets.map((secret) => secret.toString('utf8')),
      ['first-old-key', 'ж-second-old-key'],
    );
    assert.equal(secrets[1]?.length, 'ж-second-old-key'.length + 1);
    assert.ok(Object.isFrozen(secrets));
  });

  it('When an entry is empty or padded with spaces, then startup stops naming the setting', () => {
    refused('old-key,,older-key', /entry 2 of 3 is empty/);
    refused('old-key,', /entry 2 of 2 is empty/);
    refused(',', /entry 1 of 2 is empty/);
    refused('old-key, older-key', /entry 2 of 2 starts or ends with a space/);
    refused('old-key ', /entry 1 of 1 starts or ends with a space/);
  });

  it('When it lists more than 5 secrets, then startup stops naming the setting', () => {
    assert.equal(MAX_PREVIOUS_SECRETS, 5);
    const keys = (count: number) =>
      Array.from({ length: count }, (_, i) => `old-key-${i}`.padEnd(32, '!')).join(',');
    assert.equal(previousSecretsOf(keys(5), 'production').length, 5);
    refused(keys(6), /lists 6 secrets; at most 5/);
  });

  it('When a previous secret is under 32 bytes in production, then startup stops naming the setting', () => {
    const strongOld = 'o'.repeat(32);
    refused(
      `${strongOld},${'s'.repeat(31)}`,
      /entry 2 of 2 must be at least 32 bytes/,
      'production',
    );
    // 11 Cyrillic letters are 22 bytes: bytes count, not characters.
    refused('ж'.repeat(11), /at least 32 bytes in production, got 22/, 'production');
    assert.equal(previousSecretsOf('ж'.repeat(16), 'production')[0]?.length, 32);
    assert.equal(previousSecretsOf('short', 'development')[0]?.toString(), 'short');
  });

  it('When a previous secret equals the current one, then it is accepted', () => {
    const config = loadConfig({ JWT_SECRET: strongSecret, JWT_PREVIOUS_SECRETS: strongSecret });
    assert.deepEqual(config.jwtPreviousSecrets, [config.jwtSecret]);
  });
});
