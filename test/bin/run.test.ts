// bin/run.mjs: runs a TypeScript entry as one bundle, reuses the bundle while its sources are unchanged, rebuilds it
// when one changes, and keeps each source's own import.meta.url.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runTypeScript } from '../support/spawn.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function run(entry: string): Promise<string> {
  const r = runTypeScript(entry, ['arg1'], {});
  expect(await r.exit).toBe(0);
  return r.output().trim();
}

it('runs the bundle of an entry and its imports, with their own import.meta.url, and rebuilds when a source changes', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'baton-run-'));
  dirs.push(dir);
  await writeFile(
    path.join(dir, 'entry.ts'),
    `import { value, where } from './lib/dep.ts';\nconst n: number = 1;\nconsole.log(JSON.stringify({ value, where, n, argv: process.argv.slice(2) }));\n`,
  );
  await mkdir(path.join(dir, 'lib'));
  const dep = path.join(dir, 'lib', 'dep.ts');
  await writeFile(dep, `export const value: string = 'one';\nexport const where = import.meta.url;\n`);
  const entry = path.join(dir, 'entry.ts');

  expect(JSON.parse(await run(entry))).toEqual({
    value: 'one',
    where: `file://${dep}`,
    n: 1,
    argv: ['arg1'],
  });
  // Unchanged: the same answer from the bundle already made.
  expect(JSON.parse(await run(entry)).value).toBe('one');
  // A source changed: rebuilt, never the stale bundle.
  await writeFile(dep, `export const value: string = 'two!';\nexport const where = import.meta.url;\n`);
  expect(JSON.parse(await run(entry)).value).toBe('two!');
});
