// Prisma's own schema engine, compiled to WASM, driven through a driver adapter.
// Works offline: no native schema-engine binary (see shared/notes/prisma-offline.md).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

type BgModule = {
  SchemaEngine: typeof SchemaEngine;
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
};

// The wasm-bindgen glue module is a process-wide singleton (one `wasm` variable): instantiate it once per
// process, even when this file is loaded by several module graphs (vitest projects, a bundle + native import).
const LOADED = Symbol.for('baton.schemaEngineWasm');
const registry = globalThis as unknown as Record<symbol, Promise<BgModule> | undefined>;

async function loadWasm(): Promise<BgModule> {
  const require = createRequire(import.meta.url);
  const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const bg = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as BgModule;
  const wasmBytes = await readFile(bgPath.replace(/\.js$/, '.wasm'));
  const { instance } = await WebAssembly.instantiate(wasmBytes, {
    './schema_engine_bg.js': bg as unknown as WebAssembly.ModuleImports,
  });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return bg;
}

export async function createSchemaEngine(
  schemaPath: string,
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  onLog: (message: string) => void = () => {},
): Promise<SchemaEngine> {
  registry[LOADED] ??= loadWasm();
  const bg = await registry[LOADED];
  const schema = await readFile(schemaPath, 'utf8');
  return bg.SchemaEngine.new(
    { datamodels: [[schemaPath, schema]] },
    (message: string) => onLog(message),
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
}
