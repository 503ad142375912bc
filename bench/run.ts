// npm run bench: the service against a bare node:http baseline, side by side, on loopback.
// --scale-only runs only the scale cases, --mixed-only the mixed workload, --uncached-only the
// database path, --phases the account of one uncached answer, --soak only the soak;
// each job has a file of its own.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { mainCases, mixedCase } from './main-job.js';
import { phasesCase } from './phases.js';
import { runToEnd } from './processes.js';
import { scaleCase } from './scale-job.js';
import { createUser, folder, SECONDS, serviceEnv, users } from './service.js';
import { soakCase } from './soak-job.js';
import { uncachedCases } from './uncached-job.js';
import { wrkPath } from './wrk.js';

const SCALE_ONLY = process.argv.includes('--scale-only');
const SOAK = process.argv.includes('--soak');
const MIXED_ONLY = process.argv.includes('--mixed-only');
const UNCACHED_ONLY = process.argv.includes('--uncached-only');
const PHASES = process.argv.includes('--phases');

async function main(): Promise<void> {
  const report: string[] = [
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; client and servers share it. ${SECONDS} s per measurement.`,
    '',
  ];
  console.log(report[0]);
  // Before anything is built: where wrk is missing and cannot be installed, say so at once.
  wrkPath();
  await runToEnd('npm', ['run', 'build', '--silent'], { ...process.env } as Record<string, string>);
  await createUser(serviceEnv, users.user);
  await createUser(serviceEnv, users.admin, 'admin');
  if (SOAK) {
    await soakCase(report);
    writeReport(report);
    return;
  }
  if (PHASES) {
    await phasesCase(report, SECONDS);
    writeReport(report);
    return;
  }
  if (UNCACHED_ONLY) {
    await uncachedCases(report);
    writeReport(report);
    return;
  }
  if (MIXED_ONLY) {
    await mixedCase(report);
    writeReport(report);
    return;
  }
  if (!SCALE_ONLY) {
    await mainCases(report);
    await uncachedCases(report);
  }
  if (!process.env.BENCH_SKIP_SQLITE_SCALE) {
    const sqlite = await scaleCase(`sqlite:${join(folder, 'scale.db')}`, 'SQLite');
    report.push('', '### Scale: SQLite', '', ...sqlite);
  }
  const postgres = process.env.DATABASE_URL;
  if (postgres?.startsWith('postgres')) {
    report.push('', '### Scale: PostgreSQL', '', ...(await scaleCase(postgres, 'PostgreSQL')));
  } else {
    report.push(
      '',
      '(PostgreSQL scale case skipped: set DATABASE_URL=postgres://… to an empty database to run it.)',
    );
  }
  writeReport(report);
}

function writeReport(report: string[]): void {
  const text = report.join('\n');
  const file = SOAK ? 'bench/results/soak.md' : 'bench/results/latest.md';
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(file, `${text}\n`);
  console.log(`\n${text}\n\n(also written to ${file})`);
}

await main();
