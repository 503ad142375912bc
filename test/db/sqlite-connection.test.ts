import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSqliteConnection, sqliteDriver } from '../../src/db/sqlite-connection.js';
import { startServer } from '../process.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const scratchFile = (name: string) => join(mkdtempSync(join(tmpdir(), 'sqlite-conn-')), name);

async function runNode(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, out, err };
}

describe(`SQLite connection (${sqliteDriver} on Node ${process.version})`, () => {
  it('When Node is 24 or later, then node:sqlite is the driver; on Node 20 and 22, better-sqlite3', () => {
    const major = Number(process.versions.node.split('.')[0]);
    assert.equal(sqliteDriver, major >= 24 ? 'node:sqlite' : 'better-sqlite3');
  });

  it('When a statement returns rows, then it is a reader, a plain write is not', () => {
    const connection = openSqliteConnection(':memory:');
    connection.exec('create table things (id integer primary key, name text)');
    assert.equal(connection.prepare('insert into things (name) values (?)').reader, false);
    assert.equal(
      connection.prepare('insert into things (name) values (?) returning id').reader,
      true,
    );
    assert.equal(connection.prepare('select id from things').reader, true);
    const written = connection.prepare('insert into things (name) values (?)').run('one');
    assert.equal(Number(written.changes), 1);
    assert.equal(Number(written.lastInsertRowid), 1);
    assert.deepEqual(
      { ...(connection.prepare('select * from things').get() as object) },
      {
        id: 1,
        name: 'one',
      },
    );
    connection.close();
  });

  it('When a value is a blob, then it reads as a Buffer with exactly its bytes', () => {
    const connection = openSqliteConnection(':memory:');
    const statement = connection.prepare("select cast(? as blob) as json, x'00ff' as raw");
    const row = statement.get('{"title":"Сияние "}') as { json: Buffer; raw: Buffer };
    assert.ok(Buffer.isBuffer(row.json) && Buffer.isBuffer(row.raw));
    assert.equal(row.json.toString('utf8'), '{"title":"Сияние "}');
    assert.deepEqual([...row.raw], [0, 255]);
    const iterated = [...statement.iterate('x')] as { json: Buffer }[];
    assert.ok(Buffer.isBuffer(iterated[0]?.json));
    connection.close();
  });

  it('When a file is opened read-only, then writes are refused and a missing file is an error', () => {
    const file = scratchFile('movies.db');
    const writer = openSqliteConnection(file);
    writer.exec('create table things (id integer primary key)');
    writer.close();
    const reader = openSqliteConnection(file, { readonly: true });
    assert.throws(() => reader.exec('insert into things values (1)'), /readonly|read-only/i);
    reader.close();
    assert.throws(() => openSqliteConnection(scratchFile('absent.db'), { readonly: true }));
  });

  it('When integers beyond 2^53 are read lossily, then they come back as the nearest number', () => {
    const connection = openSqliteConnection(':memory:', { lossyIntegers: true });
    const row = connection.prepare('select 9223372036854775807 as big, 7 as small').get() as {
      big: unknown;
      small: unknown;
    };
    assert.equal(row.big, Number(2n ** 63n - 1n));
    assert.equal(row.small, 7);
    connection.close();
  });

  it('When the driver loads, then nothing is printed (no ExperimentalWarning), other warnings still are', async () => {
    const script = [
      "await import('./src/db/sqlite-connection.ts');",
      "process.emitWarning('still shown', 'ExperimentalWarning');",
    ].join('');
    const run = await runNode(['--import', 'tsx', '--input-type=module', '-e', script]);
    assert.equal(run.code, 0, run.err);
    assert.doesNotMatch(run.err, /SQLite/);
    assert.match(run.err, /still shown/);
  });

  it('When 2,000 statements are collected while working, idle, in a worker and at exit, then the process lives', async () => {
    const run = await runNode(['--expose-gc', '--import', 'tsx', 'scripts/sqlite-gc-probe.ts']);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /alive/);
    assert.equal(run.err, '');
  });

  it('When the server starts and stops on SQLite, then it prints no warning', async () => {
    const server = await startServer({
      DATABASE_URL: `sqlite:${scratchFile('movies.db')}`,
      JWT_SECRET: 'test-secret-that-is-at-least-32-bytes-long',
    });
    try {
      assert.equal((await fetch(`${server.baseUrl}/health`)).status, 200);
    } finally {
      server.child.kill('SIGTERM');
    }
    assert.equal(await server.exited, 0);
    // Node's own warnings ("(node:123) ExperimentalWarning: ...") and log lines at warn or above.
    assert.doesNotMatch(server.logs(), /\(node:\d+\) \w*Warning|"level":[456]0/);
  });
});
