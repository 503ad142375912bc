// `npm install` (prepare) and `npm run build:admin`: builds the admin console into admin/dist,
// which the server serves under /admin/. Skipped with a note when the build tools are not
// installed (`npm ci --omit=dev`): the server then answers /admin/ with a 503 saying so.
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
let vite;
try {
  vite = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
} catch {
  console.log('admin console: vite is not installed (dev dependencies left out); not built');
  process.exit(0);
}
const started = Date.now();
const built = spawnSync(
  process.execPath,
  [vite, 'build', '--config', 'admin/vite.config.ts', '--logLevel', 'warn'],
  {
    stdio: 'inherit',
  },
);
if (built.status !== 0) process.exit(built.status ?? 1);
console.log(
  `admin console built into admin/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
