// Runs Baton's TypeScript as plain JavaScript: the entry point and every source file it imports are bundled into one
// ES module by esbuild (~0.2–0.3 s, only when one of them changed since the last start), then imported. Packages in
// node_modules stay outside the bundle. Why not a loader such as tsx: on Node 20 module hooks run in a thread of their
// own, with its own V8 heap, for the life of the process (~35–75 MB more RSS, measured with the embedded database).
//
//   node bin/run.mjs <entry.ts> [args…]      (process.argv[1] becomes the entry, as if Node had run it)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { build } from 'esbuild';
import { loadDotEnv } from './env.mjs';

/**
 * How far V8 lets a heap grow past what survived the last full collection before the next one (its default lets it
 * double or more). A large import allocates fast, and the garbage waiting for a collection was most of its peak
 * memory: 45 % took the peak of a 1M-row import from 314–324 to ~240 MB on PostgreSQL, and from 334–360 to ~314 MB on
 * PGlite, at no speed difference measurable here (docs/import.md). V8 reads this flag each time it sizes a heap, so
 * setting it now, before the program has run, is as good as on the command line; one given there wins.
 */
const HEAP_GROWING_PERCENT = 45;
if (!process.execArgv.some((a) => a.startsWith('--heap-growing-percent'))) {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = path.join(root, 'node_modules', '.cache', 'baton');
const inNodeModules = `${path.sep}node_modules${path.sep}`;

/** In the bundle each source file keeps its own `import.meta.url`, so paths relative to a source file still work. */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
      if (args.path.includes(inNodeModules)) return undefined;
      const source = await readFile(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/** Deletes builds of the same entry a day old or more (sources edited since), so the cache doesn't grow forever. */
function pruneOlderBuilds(name, keep) {
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const f of readdirSync(cacheDir)) {
    const p = path.join(cacheDir, f);
    if (!f.startsWith(`${name}-`) || p === keep || p === `${keep}.map`) continue;
    if (statSync(p, { throwIfNoEntry: false })?.mtimeMs < dayAgo) rmSync(p, { force: true });
  }
}

/** Builds the bundle of `entryPath`, writes it (and its map and its list of sources) to the cache; returns its path. */
async function bundle(entryPath, name) {
  const result = await build({
    entryPoints: [entryPath],
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    outfile: path.join(cacheDir, `${name}.mjs`),
    write: false,
    logLevel: 'warning',
    plugins: [ownImportMetaUrl],
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.mjs'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  // Named by content: processes started at the same time (tests, a CLI beside the server) never see a half-written
  // file, and an unchanged build is not written again.
  const hash = createHash('sha256').update(js.contents).digest('hex').slice(0, 16);
  const file = path.join(cacheDir, `${name}-${hash}.mjs`);
  mkdirSync(cacheDir, { recursive: true });
  if (!existsSync(file)) {
    const text = js.text.replace(/\/\/# sourceMappingURL=\S+\s*$/, `//# sourceMappingURL=${path.basename(file)}.map\n`);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(`${tmp}.map`, map.contents);
    renameSync(`${tmp}.map`, `${file}.map`);
    writeFileSync(tmp, text);
    renameSync(tmp, file);
    pruneOlderBuilds(name, file);
  }
  // What the build read (and the TypeScript settings, and this file): the next start reuses the build while none of
  // them changes.
  const inputs = {};
  for (const input of [...Object.keys(result.metafile.inputs), 'tsconfig.json', 'bin/run.mjs']) {
    const st = statSync(path.join(root, input), { throwIfNoEntry: false });
    if (st) inputs[input] = [st.size, st.mtimeMs];
  }
  const manifest = path.join(cacheDir, `${name}.json`);
  writeFileSync(`${manifest}.${process.pid}.tmp`, JSON.stringify({ file, inputs }));
  renameSync(`${manifest}.${process.pid}.tmp`, manifest);
  return file;
}

/** The build recorded for `name` when none of its sources changed since (same size and time), else undefined. */
function unchangedBuild(name) {
  try {
    const manifest = JSON.parse(readFileSync(path.join(cacheDir, `${name}.json`), 'utf8'));
    if (!existsSync(manifest.file)) return undefined;
    for (const [file, [size, mtimeMs]] of Object.entries(manifest.inputs)) {
      const st = statSync(path.join(root, file), { throwIfNoEntry: false });
      if (!st || st.size !== size || st.mtimeMs !== mtimeMs) return undefined;
    }
    return manifest.file;
  } catch {
    return undefined;
  }
}

/** Bundles `entry` (a path from the repository's root, or absolute) and imports it. */
export async function importTypeScript(entry) {
  const entryPath = path.resolve(root, entry);
  const name = path
    .relative(root, entryPath)
    .replace(/\.[cm]?ts$/, '')
    .replace(/[^\w.]+/g, '-');
  // Sources unchanged since the last build (the usual start): no build at all (~0.2 s and an esbuild process saved).
  let file = unchangedBuild(name);
  if (!file) file = await bundle(entryPath, name);
  // Stack traces name the TypeScript files and lines.
  process.setSourceMapsEnabled(true);
  return import(pathToFileURL(file).href);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const entry = process.argv[2];
  if (!entry) {
    console.error('usage: node bin/run.mjs <entry.ts> [args…]');
    process.exit(2);
  }
  process.argv.splice(1, 2, path.resolve(root, entry));
  loadDotEnv();
  await importTypeScript(entry);
}
