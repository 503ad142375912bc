import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

export interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Spawns a process and resolves once its output shows the port it listens on. */
export async function startListening(
  command: string,
  args: string[],
  env: Record<string, string>,
  portPattern: RegExp,
): Promise<Started> {
  const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', ...env } });
  let output = '';
  const exited = once(child, 'exit');
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      // Only the recent output is kept: request logs must not make the client the bottleneck.
      output = (output + chunk.toString()).slice(-20_000);
      const match = portPattern.exec(output);
      if (match?.[1]) resolve(Number(match[1]));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => reject(new Error(`${command} ${args.join(' ')} exited: ${output}`)));
  });
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Peak resident set size of a process so far, in MB (Linux). */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

export function runToEnd(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<string> {
  const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', ...env } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return once(child, 'exit').then(([code]) => {
    if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${output}`);
    return output;
  });
}
