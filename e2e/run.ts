// npm run test:e2e: a real server on a free port with a fresh database and an admin made with the
// CLI; the Postman collection run by newman; then the docs page in Chromium, the movie website's
// calls from a page on another origin, and the admin console (on this server, then on one with
// CATALOG_READ=public and short-lived tokens). Exits 1 on any failure.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli, startServer } from '../test/process.js';
import { checkAdminConsole } from './admin-console.js';
import { checkDocsPage } from './docs-page.js';
import { runSiteFlow, serveSite } from './site-flow.js';

const { values: options } = parseArgs({
  options: {
    'no-browser': { type: 'boolean', default: false },
    'update-docs-screenshot': { type: 'boolean', default: false },
    'only-admin-console': { type: 'boolean', default: false },
  },
});

const COLLECTION = 'postman/movie-catalog.postman_collection.json';
const OUTPUT = 'e2e/output';
const admin = { username: 'e2e-admin', password: `e2e-${randomBytes(9).toString('base64url')}` };
const env = {
  NODE_ENV: 'production',
  DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'movies-e2e-')), 'movies.db')}`,
  JWT_SECRET: randomBytes(48).toString('base64'),
};

async function login(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/auth/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  });
  if (response.status !== 201) throw new Error(`login answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** The movie website's calls from a page on another origin, against CATALOG_READ=public + CORS. */
async function movieWebsite(): Promise<boolean> {
  const site = await serveSite();
  const api = await startServer({
    ...env,
    DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'movies-site-')), 'movies.db')}`,
    CATALOG_READ: 'public',
    CORS_ORIGINS: site.origin,
  });
  try {
    const { steps, result } = await runSiteFlow(site.origin, api.baseUrl);
    for (const line of steps) console.log(`  ${line}`);
    console.log(`movie website from ${site.origin}: ${result}`);
    return result === 'all steps passed';
  } finally {
    api.child.kill('SIGTERM');
    await api.exited;
    site.server.close();
  }
}

/** The admin console in Chromium against a running server; true when every step passed. */
async function adminConsoleOn(baseUrl: string, screenshot: string, expectRefresh: boolean) {
  const { steps, failures } = await checkAdminConsole(baseUrl, admin, screenshot, expectRefresh);
  for (const line of steps) console.log(`  ${line}`);
  for (const line of failures) console.log(`  FAILED: ${line}`);
  console.log(
    `admin console at ${baseUrl}/admin/: ${failures.length === 0 ? 'all steps passed' : `${failures.length} FAILED`}; screenshot ${screenshot}`,
  );
  return failures.length === 0;
}

/**
 * The admin console again, on a server of its own with CATALOG_READ=public, CORS_ORIGINS unset
 * (the console is on the API's origin) and 31-second access tokens, so the console has to refresh
 * its token as it goes (it refreshes 30 s before expiry).
 */
async function adminConsolePublic(): Promise<boolean> {
  const consoleEnv = {
    ...env,
    DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'movies-admin-')), 'movies.db')}`,
    CATALOG_READ: 'public',
    ACCESS_TOKEN_TTL: '31',
  };
  const made = await runCli(
    ['create-user', '--username', admin.username, '--password', admin.password, '--role', 'admin'],
    consoleEnv,
  );
  if (made.code !== 0) throw new Error(`create-user failed: ${made.stderr}`);
  const api = await startServer(consoleEnv);
  try {
    mkdirSync(OUTPUT, { recursive: true });
    const screenshot = join(OUTPUT, 'admin.png');
    const passed = await adminConsoleOn(api.baseUrl, screenshot, true);
    if (options['update-docs-screenshot'] && passed) copyFileSync(screenshot, 'docs/admin.png');
    return passed;
  } finally {
    api.child.kill('SIGTERM');
    await api.exited;
  }
}

async function main(): Promise<boolean> {
  if (options['only-admin-console']) return adminConsolePublic();
  const made = await runCli(
    ['create-user', '--username', admin.username, '--password', admin.password, '--role', 'admin'],
    env,
  );
  if (made.code !== 0) throw new Error(`create-user failed: ${made.stderr}`);
  const server = await startServer(env);
  console.log(`server at ${server.baseUrl}`);
  try {
    const newman = spawnSync(
      join('node_modules', '.bin', 'newman'),
      [
        'run',
        COLLECTION,
        '--env-var',
        `baseUrl=${server.baseUrl}`,
        '--env-var',
        `adminUsername=${admin.username}`,
        '--env-var',
        `adminPassword=${admin.password}`,
        '--color',
        'off',
      ],
      { stdio: 'inherit' },
    );
    const newmanPassed = newman.status === 0;
    console.log(
      newmanPassed ? 'newman: all assertions passed' : `newman: FAILED (exit ${newman.status})`,
    );
    if (options['no-browser']) return newmanPassed;

    mkdirSync(OUTPUT, { recursive: true });
    const screenshot = join(OUTPUT, 'swagger-ui.png');
    const docs = await checkDocsPage(server.baseUrl, await login(server.baseUrl), screenshot);
    const docsPassed = docs.status === '200' && docs.showsDemoTitle && docs.searched;
    console.log(
      `docs page: "Try it out" on GET /movies/ ${docs.searched ? 'with' : 'WITHOUT'} a search showed status ${docs.status}` +
        `${docs.showsDemoTitle ? ' and "Йеллоустоун"' : ' WITHOUT the demo title'}; screenshot ${screenshot}`,
    );
    if (options['update-docs-screenshot']) copyFileSync(screenshot, 'docs/swagger-ui.png');
    const websitePassed = await movieWebsite();
    const consolePassed = await adminConsoleOn(
      server.baseUrl,
      join(OUTPUT, 'admin-authenticated.png'),
      false,
    );
    return (
      newmanPassed && docsPassed && websitePassed && consolePassed && (await adminConsolePublic())
    );
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

main().then(
  (passed) => {
    console.log(passed ? '\n1 passed, 0 failed' : '\n0 passed, 1 failed');
    process.exit(passed ? 0 : 1);
  },
  (error: unknown) => {
    console.error(`e2e: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
