// A Baton server in a process of its own, started as `npm start` starts it (same Node flags, same entry point), so
// that its memory is its own: the benchmark reads its resident set (VmRSS) and peak (VmHWM) from /proc while it runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/free-port.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Memory {
  rss: number;
  hwm: number;
}

export interface BatonProcess {
  pid: number;
  url: string;
  /** when the process was spawned, and when it said it was listening (its runtime starting) */
  spawnedAt: number;
  readyAt: number;
  /** the highest VmRSS sampled, and the samples' count */
  memory(): Memory;
  /** SIGTERM (a clean stop) or SIGKILL (a crash); resolves when the process is gone */
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<Memory>;
}

function readMemory(pid: number): Memory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/**
 * Starts Baton on `env` (the database's variables); resolves once it listens (its conversation runtime starting).
 * `checkout`: the Baton to run (default this one; another checkout of the same schema for an A/B comparison).
 */
export async function startBaton(
  env: Record<string, string>,
  label: string,
  checkout: string = root,
): Promise<BatonProcess> {
  const port = await freePort();
  const spawnedAt = Date.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--max-semi-space-size=8',
      // --profile DIR: a CPU profile of each Baton process (written when it stops cleanly)
      ...(process.env.BATON_BENCH_PROFILE_DIR
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BATON_BENCH_PROFILE_DIR}`]
        : []),
      path.join(checkout, 'bin', 'run.mjs'),
      path.join(checkout, 'bot', 'main.ts'),
    ],
    {
      cwd: checkout,
      env: {
        ...process.env,
        MALLOC_ARENA_MAX: '1',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        BATON_ADMIN_PASSWORD: 'correct horse battery',
        BATON_PUBLIC_REQUESTS_PER_MINUTE: '1000000',
        BATON_WHATSAPP: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const pid = child.pid!;
  let last: Memory = { rss: 0, hwm: 0 };
  const sampler = setInterval(() => {
    const m = readMemory(pid);
    if (m) last = { rss: Math.max(last.rss, m.rss), hwm: Math.max(last.hwm, m.hwm) };
  }, 250);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const errors: string[] = [];
  child.stderr!.on('data', (b: Buffer) => errors.push(b.toString('utf8')));
  const lines = createInterface({ input: child.stdout! });
  const readyAt = await new Promise<number>((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error(`${label}: Baton did not start within 180 s`)), 180_000);
    lines.on('line', (line) => {
      const warning = line.includes('"level":50') || line.includes('"level":40');
      // the Emulator-only mode's warning is expected: the customers here are local
      if (warning && !line.includes('no MicrosoftAppId is set')) errors.push(line.slice(0, 400));
      // listening: the runtime starts right after (its start fires the overdue timers, which the phases measure)
      if (line.includes('Baton is listening')) {
        clearTimeout(timeout);
        resolve(Date.now());
      }
    });
    void exited.then((code) => {
      clearTimeout(timeout);
      reject(new Error(`${label}: Baton exited (${code}) before starting:\n${errors.join('').slice(-2000)}`));
    });
  });
  return {
    pid,
    url: `http://127.0.0.1:${port}`,
    spawnedAt,
    readyAt,
    memory: () => {
      const now = readMemory(pid);
      return now ? { rss: now.rss, hwm: Math.max(last.hwm, now.hwm) } : last;
    },
    async stop(signal) {
      const m = readMemory(pid) ?? last;
      const at = { rss: m.rss, hwm: Math.max(m.hwm, last.hwm) };
      child.kill(signal);
      await exited;
      clearInterval(sampler);
      const logged = errors.filter((e) => !e.includes('Baton stopped'));
      if (logged.length) console.log(`${label}: ${logged.length} warnings/errors logged, first: ${logged[0]}`);
      return at;
    },
  };
}
