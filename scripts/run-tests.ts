// npm test: the whole suite on SQLite and, when TEST_DATABASE_URL is set, again on PostgreSQL.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

// Node 20's test runner takes no globs: the files are listed here.
const files = ['test/unit', 'test/modules'].flatMap((dir) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => `${dir}/${name}`),
);

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
