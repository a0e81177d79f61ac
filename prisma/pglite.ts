// The embedded database: PGlite (PostgreSQL compiled to WASM) in the Baton process, data on disk.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The extensions Baton's migrations create (pg_trgm: trigram indexes for contact search). PGlite loads an extension's
 * files only when told at start, so every PGlite that opens a Baton database — a data directory, a dumped one, a
 * scratch one — is created with these, or fails on its first use of the index ("could not access file pg_trgm").
 */
export const pgliteExtensions = { pg_trgm };

/** PGlite's own start parameters plus small shared buffers; never a copied list (see database-measured.md). */
export function pgliteStartParams(): string[] {
  return [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];
}

export async function openPGlite(dataDir: string): Promise<PGlite> {
  const dir = path.resolve(dataDir);
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    mkdirSync(dir, { recursive: true });
    await promisify(execFile)(process.execPath, [path.join(here, 'create-datadir.mjs'), dir]);
  }
  return PGlite.create(dir, { startParams: pgliteStartParams(), extensions: pgliteExtensions });
}
