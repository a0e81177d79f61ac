// `--instances N` (PostgreSQL): N Baton instances importing at once into one database, each the same file into its
// own business, against one instance importing one file, in the same run. An import job is carried by the instance
// that runs it (runImport: one reader, batches committed in order; docs/import.md), so instances add capacity by
// carrying different imports at once, not by sharing one; two imports into one business would take turns batch by
// batch (an advisory lock per business), so each instance gets a business of its own.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBusiness } from '../../contacts/index.ts';
import type { Database } from '../../prisma/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface InstanceRun {
  seconds: number;
  rows: number;
  status: string;
  peak: number;
}

function importInProcess(databaseUrl: string, businessId: string, file: string): Promise<InstanceRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--max-semi-space-size=8',
        path.join(root, 'bin', 'run.mjs'),
        path.join(root, 'bench', 'import', 'instance.ts'),
        databaseUrl,
        businessId,
        file,
      ],
      { cwd: root, env: { ...process.env, MALLOC_ARENA_MAX: '1' }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as InstanceRun);
      else reject(new Error(`an import instance exited with ${code}: ${out.slice(-500)}`));
    });
  });
}

const mb = (b: number) => `${Math.round(b / 1024 / 1024)} MB`;

export async function runInstances(db: Database, databaseUrl: string, file: string, instances: number) {
  const business = async (i: number) =>
    (
      await createBusiness(db, {
        name: `Bench ${i}`,
        slug: `bench-${i}`,
        country: 'GB',
        admin: { email: `admin${i}@bench.test`, password: 'correct horse battery' },
      })
    ).business.id;
  const one = await business(0);
  let t = performance.now();
  const [alone] = [await importInProcess(databaseUrl, one, file)];
  const aloneSeconds = (performance.now() - t) / 1000;
  const aloneRate = alone!.rows / alone!.seconds;
  console.log(
    `one instance: ${alone!.rows} rows in ${alone!.seconds.toFixed(1)} s = ${Math.round(aloneRate)} rows/s ` +
      `(process ${aloneSeconds.toFixed(1)} s with start-up and upload check), peak RSS ${mb(alone!.peak)}`,
  );
  const ids: string[] = [];
  for (let i = 1; i <= instances; i++) ids.push(await business(i));
  t = performance.now();
  const runs = await Promise.all(ids.map((id) => importInProcess(databaseUrl, id, file)));
  const wall = (performance.now() - t) / 1000;
  const rows = runs.reduce((s, r) => s + r.rows, 0);
  const slowest = Math.max(...runs.map((r) => r.seconds));
  const rate = rows / slowest;
  for (const [i, r] of runs.entries())
    console.log(
      `instance ${i + 1} of ${instances}: ${r.rows} rows in ${r.seconds.toFixed(1)} s = ${Math.round(r.rows / r.seconds)} rows/s, ` +
        `peak RSS ${mb(r.peak)}, ${r.status}`,
    );
  console.log(
    `${instances} instances at once: ${rows} rows, the last done after ${slowest.toFixed(1)} s (processes ${wall.toFixed(1)} s) = ` +
      `${Math.round(rate)} rows/s together; ratio to one instance ${(rate / aloneRate).toFixed(2)}`,
  );
}
