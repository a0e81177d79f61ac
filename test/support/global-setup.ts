// Builds one migrated template per database kind, once per run; each test file then gets a fresh copy.
// PGlite: a dumped data directory (loading one takes ~0.3 s; initdb takes ~2 s and ~700 MB), and the same unpacked on
// disk, for the Baton processes the tests start (test/support/data-dir.ts).
// PostgreSQL: a template database; every copy and the template are dropped at the end of the run.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { fromPGlite, openDatabase, pgliteExtensions } from '../../prisma/index.ts';
import { adminUrl, databaseUrl, RUN_PREFIX } from './postgres-urls.ts';

export default async function setup(project: TestProject) {
  const kind = project.config.env?.BATON_TEST_DB;
  if (kind === 'pglite') {
    const pglite = await PGlite.create({ extensions: pgliteExtensions });
    const db = fromPGlite(pglite);
    await db.migrate();
    const blob = await pglite.dumpDataDir('none');
    await db.close();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'baton-test-'));
    const file = path.join(dir, 'template.tar');
    await writeFile(file, Buffer.from(await blob.arrayBuffer()));
    project.provide('pgliteTemplate', file);
    const dataDir = path.join(dir, 'data');
    await (await PGlite.create(dataDir, { loadDataDir: blob, extensions: pgliteExtensions })).close();
    project.provide('pgliteDataDirTemplate', dataDir);
    return async () => {
      await rm(dir, { recursive: true, force: true });
    };
  }
  if (kind === 'postgres') {
    const runId = `${process.pid}_${Date.now().toString(36)}`;
    const template = `${RUN_PREFIX}${runId}_tpl`;
    const admin = new pg.Client({ connectionString: adminUrl() });
    try {
      await admin.connect();
    } catch (e) {
      throw new Error(
        `PostgreSQL is unreachable at ${adminUrl()} (${(e as Error).message}). The suite runs on PGlite and PostgreSQL; start it (pg_ctlcluster … main start) or set BATON_TEST_POSTGRES_URL.`,
        { cause: e },
      );
    }
    await admin.query(`CREATE DATABASE "${template}"`);
    const db = await openDatabase({ databaseUrl: databaseUrl(template), dataDir: '' });
    await db.migrate();
    await db.close();
    project.provide('postgresRunId', runId);
    return async () => {
      const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
        `${RUN_PREFIX}${runId}_%`,
      ]);
      for (const { datname } of rows) {
        await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
      await admin.end();
    };
  }
  throw new Error(`BATON_TEST_DB must be pglite or postgres (got ${String(kind)})`);
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    pgliteDataDirTemplate: string;
    postgresRunId: string;
  }
}
