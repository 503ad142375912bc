// GET /admin/: the admin console (react-admin, built by `npm run build:admin` into admin/dist when
// the package is installed), served by this server on its own port. The built files are read
// once at startup into a table keyed by their names, so a request can only ever name one of them:
// no path from a client reaches the file system. Each page gets a Content-Security-Policy of its
// own with a fresh nonce for the style elements the console's CSS-in-JS writes.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound, serviceUnavailable } from '../errors.js';
import { sendError } from './error-handler.js';

export const ADMIN_DIST = fileURLToPath(new URL('../../admin/dist/', import.meta.url));

/** What the build writes in place of the nonce (vite's `html.cspNonce`). */
export const NONCE_PLACEHOLDER = 'ADMIN_CONSOLE_NONCE';

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

interface Asset {
  readonly type: string;
  readonly body: Buffer;
  /** Only when it is smaller than the body. */
  readonly gzip: Buffer | null;
}

interface Console {
  readonly page: string;
  readonly assets: ReadonlyMap<string, Asset>;
}

/** The page's policy: its own scripts, styles with this nonce, the API on this origin; no more. */
export function consolePolicy(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function readConsole(folder: string): Console | null {
  const pagePath = join(folder, 'index.html');
  if (!existsSync(pagePath)) return null;
  const assets = new Map<string, Asset>();
  const assetFolder = join(folder, 'assets');
  const names = existsSync(assetFolder) ? readdirSync(assetFolder) : [];
  for (const name of names) {
    const type = TYPES[extname(name)];
    if (type === undefined) continue;
    const body = readFileSync(join(assetFolder, name));
    const gzip = gzipSync(body, { level: 9 });
    assets.set(name, { type, body, gzip: gzip.length < body.length ? gzip : null });
  }
  return { page: readFileSync(pagePath, 'utf8'), assets };
}

/** Whether Accept-Encoding takes gzip: named (or `*`) with a quality above 0 (RFC 9110 §12.5.3). */
export function acceptsGzip(request: FastifyRequest): boolean {
  let gzip: number | null = null;
  let any: number | null = null;
  for (const part of String(request.headers['accept-encoding'] ?? '').split(',')) {
    const [name = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    const value = Number.isFinite(quality) ? quality : 0;
    if (name === 'gzip' || name === 'x-gzip') gzip = value;
    else if (name === '*') any = value;
  }
  return (gzip ?? any ?? 0) > 0;
}

export function registerAdminConsole(app: FastifyInstance, folder = ADMIN_DIST): void {
  const built = readConsole(folder);
  const unbuilt = () =>
    serviceUnavailable('The admin console is not built: run "npm run build:admin" and restart');

  app.get('/admin/', { schema: { hide: true } }, async (_request, reply: FastifyReply) => {
    if (built === null) return sendError(reply, unbuilt());
    const nonce = randomBytes(18).toString('base64');
    return reply
      .header('content-security-policy', consolePolicy(nonce))
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(built.page.replaceAll(NONCE_PLACEHOLDER, nonce));
  });

  app.get<{ Params: { file: string } }>(
    '/admin/assets/:file',
    { schema: { hide: true } },
    async (request, reply) => {
      if (built === null) return sendError(reply, unbuilt());
      const asset = built.assets.get(request.params.file);
      if (asset === undefined) return sendError(reply, notFound('File'));
      // Names carry a hash of their content: a new build has new names.
      reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('vary', 'accept-encoding')
        .type(asset.type);
      if (asset.gzip !== null && acceptsGzip(request)) {
        return reply.header('content-encoding', 'gzip').send(asset.gzip);
      }
      return reply.send(asset.body);
    },
  );
}
