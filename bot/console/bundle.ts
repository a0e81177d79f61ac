// The console's browser bundle: bot/console/app/main.tsx (React, Mantine, TanStack Query, react-router) built by
// esbuild into one script and one stylesheet when Baton starts — no build step of its own, no CDN. The build is kept
// in node_modules/.cache/baton/console/ with the list of files it read (size and time): the next start reuses it
// while none changed, as bin/run.mjs does for the server. Served from memory, gzipped once.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { z } from 'zod';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRY = path.join(root, 'bot', 'console', 'app', 'main.tsx');
const CACHE_DIR = path.join(root, 'node_modules', '.cache', 'baton', 'console');
const MANIFEST = path.join(CACHE_DIR, 'manifest.json');

export interface Asset {
  /** content-hashed file name, served with a year-long immutable cache */
  name: string;
  raw: Buffer;
  gzipped: Buffer;
}
export interface ConsoleBundle {
  script: Asset;
  style: Asset;
}

/** BATON_CONSOLE_MINIFY=0 builds a readable bundle, for reading a stack trace from the browser. */
const minify = process.env.BATON_CONSOLE_MINIFY !== '0';

const manifestSchema = z.object({
  minify: z.boolean(),
  script: z.string(),
  style: z.string(),
  inputs: z.record(z.string(), z.tuple([z.number(), z.number()])),
});

async function asset(kind: 'js' | 'css', raw: Buffer): Promise<Asset> {
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 12);
  return { name: `app-${hash}.${kind}`, raw, gzipped: await promisify(gzip)(raw, { level: 9 }) };
}

async function unchangedBuild(): Promise<{ script: Buffer; style: Buffer } | undefined> {
  try {
    const manifest = manifestSchema.parse(JSON.parse(await readFile(MANIFEST, 'utf8')));
    if (manifest.minify !== minify) return undefined;
    for (const [file, [size, mtimeMs]] of Object.entries(manifest.inputs)) {
      const st = await stat(path.join(root, file));
      if (st.size !== size || st.mtimeMs !== mtimeMs) return undefined;
    }
    const [script, style] = await Promise.all([
      readFile(path.join(CACHE_DIR, manifest.script)),
      readFile(path.join(CACHE_DIR, manifest.style)),
    ]);
    return { script, style };
  } catch {
    return undefined;
  }
}

async function build(): Promise<{ script: Buffer; style: Buffer }> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    absWorkingDir: root,
    bundle: true,
    platform: 'browser',
    // A classic script, not a module: it reads the CSP nonce of its own tag (document.currentScript) for Mantine's
    // <style> elements.
    format: 'iife',
    target: ['chrome110', 'firefox110', 'safari16'],
    minify,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': minify ? '"production"' : '"development"' },
    outdir: path.join(CACHE_DIR, 'out'),
    entryNames: 'app',
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const script = Buffer.from(result.outputFiles.find((f) => f.path.endsWith('.js'))!.contents);
  const style = Buffer.from(result.outputFiles.find((f) => f.path.endsWith('.css'))!.contents);
  const inputs: Record<string, [number, number]> = {};
  for (const input of [...Object.keys(result.metafile.inputs), 'package-lock.json']) {
    const st = await stat(path.join(root, input)).catch(() => undefined);
    if (st) inputs[input] = [st.size, st.mtimeMs];
  }
  // Written under temporary names, then renamed: servers started at the same time never read half a file.
  await mkdir(CACHE_DIR, { recursive: true });
  const tmp = `.${process.pid}.tmp`;
  const hash = createHash('sha256').update(script).update(style).digest('hex').slice(0, 16);
  const names = { script: `app-${hash}.js`, style: `app-${hash}.css` };
  await writeFile(path.join(CACHE_DIR, names.script + tmp), script);
  await writeFile(path.join(CACHE_DIR, names.style + tmp), style);
  await rename(path.join(CACHE_DIR, names.script + tmp), path.join(CACHE_DIR, names.script));
  await rename(path.join(CACHE_DIR, names.style + tmp), path.join(CACHE_DIR, names.style));
  await writeFile(MANIFEST + tmp, JSON.stringify({ minify, ...names, inputs }));
  await rename(MANIFEST + tmp, MANIFEST);
  return { script, style };
}

let cached: Promise<ConsoleBundle> | undefined;

/** The console's script and stylesheet: built once per process (or reused from the cache), kept in memory. */
export function loadConsoleBundle(): Promise<ConsoleBundle> {
  cached ??= (async () => {
    const built = (await unchangedBuild()) ?? (await build());
    const [script, style] = await Promise.all([asset('js', built.script), asset('css', built.style)]);
    return { script, style };
  })();
  cached.catch(() => (cached = undefined));
  return cached;
}
