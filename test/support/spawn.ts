// Run the product's own commands as a user would, in child processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as { port: number };
  srv.close();
  return port;
}

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

export function spawnNode(args: string[], env: Record<string, string | undefined>): Spawned {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    // BATON_ENV_FILE '': a developer's own .env in the repository never reaches the product under test.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, BATON_ENV_FILE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += String(d)));
  child.stderr?.on('data', (d) => (out += String(d)));
  // 'close', not 'exit': the child's output may still be in the pipes when it exits.
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output: () => out, exit };
}

/** `node bin/run.mjs <entry> …`: a TypeScript entry run as the product runs it (`npm start` runs bot/main.ts). */
export function runTypeScript(entry: string, args: string[], env: Record<string, string | undefined>): Spawned {
  return spawnNode([path.join(ROOT, 'bin/run.mjs'), entry, ...args], env);
}

/** `baton …` through the package's bin. */
export async function baton(args: string[], env: Record<string, string | undefined>) {
  const run = spawnNode([path.join(ROOT, 'bin/baton.mjs'), ...args], env);
  const code = await run.exit;
  return { code, output: run.output() };
}

export async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch {
      /* not yet */
    }
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
