// `.env` in the working directory: read by `npm start` (bin/run.mjs bot/main.ts) and by `baton`; the environment wins.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.ts';
import { ROOT } from '../support/spawn.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function dirWithEnv(text: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'baton-env-'));
  dirs.push(dir);
  await writeFile(path.join(dir, '.env'), text);
  return dir;
}

/** Runs `node <args>` in `cwd` with only PATH and HOME plus `env` inherited. */
function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += String(d)));
  child.stderr.on('data', (d) => (output += String(d)));
  return new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, output })),
  );
}

const commands = {
  'npm start': [path.join(ROOT, 'bin/run.mjs'), 'bot/main.ts'],
  baton: [path.join(ROOT, 'bin/baton.mjs'), 'migrate'],
};

for (const [name, args] of Object.entries(commands)) {
  it(`${name} reads .env in the working directory, and a variable set in the environment wins`, async () => {
    // Two bad values in the file: each one reported proves the file was read (Baton stops before opening anything).
    const dir = await dirWithEnv('# comment\nLOG_LEVEL=loud\nOPENAI_TIMEOUT_MS="5"\n');
    const fromFile = await run(args, dir);
    expect(fromFile.code, fromFile.output).toBe(78);
    expect(fromFile.output).toContain('LOG_LEVEL:');
    expect(fromFile.output).toContain('OPENAI_TIMEOUT_MS:');

    const overridden = await run(args, dir, { LOG_LEVEL: 'warn' });
    expect(overridden.code, overridden.output).toBe(78);
    expect(overridden.output).not.toContain('LOG_LEVEL:');
    expect(overridden.output).toContain('OPENAI_TIMEOUT_MS:');
  }, 120_000);
}

it('.env.example is valid to copy as .env and to source in a shell', async () => {
  const example = await readFile(path.join(ROOT, '.env.example'), 'utf8');
  const copied = loadConfig(parseEnv(example));
  expect(copied).toMatchObject({ BATON_BUSINESS_NAME: 'My Business', PORT: 3978, DATABASE_URL: undefined });
  const sourced = await new Promise<string>((resolve, reject) =>
    execFile(
      'bash',
      ['-c', 'set -eu -a; . ./.env.example; node -p "JSON.stringify(process.env)"'],
      { cwd: ROOT, env: { PATH: process.env.PATH } },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    ),
  );
  expect(loadConfig(JSON.parse(sourced) as Record<string, string>)).toEqual(copied);
});
