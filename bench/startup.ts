import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Time from spawning the server on an existing database to its first 200 from /ready. */
export async function startupTimes(env: Record<string, string>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const port = await freePort();
    const started = performance.now();
    const child = spawn(process.execPath, ['dist/server.js'], {
      env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
      stdio: 'ignore',
    });
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined);
      if (ready?.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    times.push(Math.round(performance.now() - started));
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  return times;
}
