// npm run bench -- <name> [flags]: runs bench/<name>/index.ts in a process of its own, with the flags the server runs
// with (package.json's start). `npm run bench -- <name> --help` prints a benchmark's flags.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// bin/run.mjs bundles this file into .cache; the benchmarks live beside the source.
const benchDir = existsSync(path.join(here, 'search')) ? here : path.resolve('bench');
const names = readdirSync(benchDir, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(path.join(benchDir, e.name, 'index.ts')))
  .map((e) => e.name)
  .sort();
const [name, ...args] = process.argv.slice(2);
if (!name || !names.includes(name)) {
  console.error(`usage: npm run bench -- <${names.join('|')}> [--help | flags]`);
  process.exit(name ? 2 : 0);
}
const run = path.join(benchDir, '..', 'bin', 'run.mjs');
const result = spawnSync(
  process.execPath,
  ['--max-semi-space-size=8', run, path.join(benchDir, name, 'index.ts'), ...args],
  { stdio: 'inherit', env: { ...process.env, MALLOC_ARENA_MAX: '1' } },
);
process.exit(result.status ?? 1);
