import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../src/app.js';
import { ADMIN_DIST, NONCE_PLACEHOLDER } from '../../src/http/admin-console.js';
import { errorBody, openTestDatabase } from '../helpers.js';
import type { FastifyInstance } from 'fastify';

// A build of the console as vite writes it: a page with the nonce placeholder, hashed assets.
const folder = mkdtempSync(join(tmpdir(), 'admin-dist-'));
mkdirSync(join(folder, 'assets'));
const SCRIPT = `console.log(${JSON.stringify('Фильмы '.repeat(400))});\n`;
writeFileSync(
  join(folder, 'index.html'),
  `<!doctype html><html><head><meta property="csp-nonce" nonce="${NONCE_PLACEHOLDER}">` +
    `<script type="module" src="/admin/assets/index-abc123.js" nonce="${NONCE_PLACEHOLDER}"></script>` +
    `</head><body><div id="root"></div></body></html>`,
);
writeFileSync(join(folder, 'assets', 'index-abc123.js'), SCRIPT);
writeFileSync(join(folder, 'assets', 'tiny.css'), 'a{}');
writeFileSync(join(folder, 'assets', 'notes.sh'), 'echo not served');
writeFileSync(join(folder, 'secret.txt'), 'outside assets');

let app: FastifyInstance;
let unbuilt: FastifyInstance;
let real: FastifyInstance;

before(async () => {
  const opened = await openTestDatabase();
  app = await buildApp({
    config: opened.config,
    db: opened.database.db,
    adminConsoleFolder: folder,
  });
  unbuilt = await buildApp({
    config: opened.config,
    db: opened.database.db,
    adminConsoleFolder: join(folder, 'missing'),
  });
  real = await buildApp({ config: opened.config, db: opened.database.db });
  app.addHook('onClose', opened.close);
});
after(async () => {
  await unbuilt.close();
  await real.close();
  await app.close();
});

const nonceOf = (policy: string) => /'nonce-([^']+)'/.exec(policy)?.[1];

describe('GET /admin/: the admin console', () => {
  it('When the page is asked for, with or without the slash, then it comes with a policy of its own whose nonce is the one in the page, new every time', async () => {
    const nonces = new Set<string>();
    for (const url of ['/admin/', '/admin', '/admin/?from=bookmark']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 200, url);
      assert.match(String(response.headers['content-type']), /^text\/html; charset=utf-8/);
      assert.equal(response.headers['cache-control'], 'no-store');
      const policy = String(response.headers['content-security-policy']);
      for (const part of [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ]) {
        assert.ok(policy.includes(part), `${url}: ${part} in ${policy}`);
      }
      assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval|\*/);
      const nonce = nonceOf(policy);
      assert.ok(nonce !== undefined && nonce.length >= 16, policy);
      assert.ok(!response.body.includes(NONCE_PLACEHOLDER));
      assert.equal(response.body.split(`nonce="${nonce}"`).length - 1, 2);
      nonces.add(nonce);
      // The API's other security headers, as on every answer.
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.ok(response.headers['x-request-id']);
    }
    assert.equal(nonces.size, 3);
  });

  it('When an asset is asked for, then it is served for a year, gzipped for a client that takes gzip, and HEAD answers too', async () => {
    const plain = await app.inject({ method: 'GET', url: '/admin/assets/index-abc123.js' });
    assert.equal(plain.statusCode, 200);
    assert.equal(plain.body, SCRIPT);
    assert.match(String(plain.headers['content-type']), /^text\/javascript/);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(plain.headers['content-encoding'], undefined);
    const zipped = await app.inject({
      method: 'GET',
      url: '/admin/assets/index-abc123.js',
      headers: { 'accept-encoding': 'br, gzip' },
    });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers.vary, 'accept-encoding');
    assert.ok(zipped.rawPayload.length < SCRIPT.length / 4);
    assert.equal(gunzipSync(zipped.rawPayload).toString(), SCRIPT);
    // Too small to gain from gzip: sent as it is.
    const tiny = await app.inject({
      method: 'GET',
      url: '/admin/assets/tiny.css',
      headers: { 'accept-encoding': 'gzip' },
    });
    assert.equal(tiny.body, 'a{}');
    assert.equal(tiny.headers['content-encoding'], undefined);
    // A client that refuses gzip (q=0) gets the plain body, whatever else it lists.
    for (const refusal of ['gzip;q=0', 'gzip; q=0, br', '*;q=0', 'identity', 'br, *;q=0']) {
      const refused = await app.inject({
        method: 'GET',
        url: '/admin/assets/index-abc123.js',
        headers: { 'accept-encoding': refusal },
      });
      assert.equal(refused.headers['content-encoding'], undefined, refusal);
      assert.equal(refused.body, SCRIPT, refusal);
    }
    for (const taking of ['*', 'x-gzip', 'GZIP;q=0.5', 'br;q=1, gzip;q=0.1']) {
      const took = await app.inject({
        method: 'GET',
        url: '/admin/assets/index-abc123.js',
        headers: { 'accept-encoding': taking },
      });
      assert.equal(took.headers['content-encoding'], 'gzip', taking);
    }
    // HEAD: the headers of GET, no body.
    for (const url of ['/admin/', '/admin/assets/index-abc123.js']) {
      const head = await app.inject({
        method: 'HEAD',
        url,
        headers: { 'accept-encoding': 'gzip' },
      });
      assert.equal(head.statusCode, 200, url);
      assert.equal(head.body, '', url);
      const type = String(head.headers['content-type']);
      assert.match(type, url.endsWith('.js') ? /^text\/javascript/ : /^text\/html/, url);
    }
  });

  it('When a path names anything but a built asset (escapes, encodings, other files, other types), then it is a 4xx with the error body, never a file', async () => {
    const attempts = [
      '/admin/assets/../secret.txt',
      '/admin/assets/..%2fsecret.txt',
      '/admin/assets/%2e%2e%2fsecret.txt',
      '/admin/assets/..%5csecret.txt',
      '/admin/assets/notes.sh',
      '/admin/assets/index-abc123.js%00.png',
      '/admin/assets/INDEX-ABC123.JS',
      '/admin/assets/',
      '/admin/secret.txt',
      '/admin/index.html',
      '/admin/assets/%C0%AE%C0%AE%2fsecret.txt',
      `/admin/assets/${'a'.repeat(5000)}.js`,
    ];
    for (const url of attempts) {
      const response = await app.inject({ method: 'GET', url });
      assert.ok(
        response.statusCode >= 400 && response.statusCode < 500,
        `${url}: ${response.statusCode}`,
      );
      assert.ok(!response.body.includes('outside assets') && !response.body.includes('echo'), url);
      errorBody(response);
    }
    const post = await app.inject({ method: 'POST', url: '/admin/', payload: {} });
    assert.equal(post.statusCode, 405);
  });

  it('When the console was never built, then /admin/ is a 503 saying how to build it, and the API still works', async () => {
    for (const url of ['/admin/', '/admin/assets/index-abc123.js']) {
      const response = await unbuilt.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 503, url);
      const body = errorBody(response);
      assert.equal(body.code, 'service_unavailable');
      assert.match(body.message, /npm run build:admin/);
    }
    assert.equal((await unbuilt.inject({ method: 'GET', url: '/health' })).statusCode, 200);
  });

  it('When the package was installed (CI installs it as a newcomer does), then its own build is served with every asset the page names', async (t) => {
    const page = await real.inject({ method: 'GET', url: '/admin/' });
    if (page.statusCode === 503 && process.env.CI !== 'true') {
      t.skip(`the console is not built in ${ADMIN_DIST}`);
      return;
    }
    assert.equal(page.statusCode, 200);
    const assets = [...page.body.matchAll(/(?:src|href)="(\/admin\/assets\/[^"]+)"/g)].map(
      (match) => match[1] ?? '',
    );
    assert.ok(assets.length >= 1, page.body);
    for (const url of assets) {
      const asset = await real.inject({ method: 'GET', url });
      assert.equal(asset.statusCode, 200, url);
    }
  });
});
