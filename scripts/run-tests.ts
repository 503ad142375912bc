// npm test: the whole suite on SQLite and, when TEST_DATABASE_URL is set, again on PostgreSQL.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { sep } from 'node:path';

// Node 20's test runner takes no globs: every *.test.ts below test/ is listed here.
const files = readdirSync('test', { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.test.ts'))
  .map((name) => `test/${name.split(sep).join('/')}`)
  .sort();

const targets = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
let failed = false;
for (const target of targets) {
  console.log(`\n=== test suite on ${target} (${files.length} files)\n`);
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=2', ...files],
    { stdio: 'inherit', env: { ...process.env, TEST_DATABASE: target } },
  );
  if (run.status !== 0) failed = true;
}
if (targets.length === 1) {
  console.log(
    '\n(PostgreSQL run skipped: set TEST_DATABASE_URL=postgres://... to run the suite there too)',
  );
}
process.exit(failed ? 1 : 0);
