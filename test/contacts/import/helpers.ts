// Shared helpers for the import tests: a business, a file on disk, one call that uploads and runs.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { afterAll } from 'vitest';
import { createBusiness } from '../../../contacts/index.ts';
import { createImport, importReport, runImport, startImport, type Mapping } from '../../../contacts/import/index.ts';
import type { Database } from '../../../prisma/index.ts';

let dir: string | undefined;

// The files a test file wrote go when it ends.
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

export async function tempFile(content: string | Buffer, name = 'contacts.csv'): Promise<string> {
  dir ??= await mkdtemp(path.join(os.tmpdir(), 'B-import-test-'));
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}-${name}`);
  await writeFile(file, content);
  return file;
}

export async function business(db: Database, slug = 'acme', country = 'GB') {
  const { business, admin } = await createBusiness(db, {
    name: slug,
    slug,
    country,
    admin: { email: `admin@${slug}.test`, password: 'correct horse battery' },
  });
  return { businessId: business.id, adminId: admin.id };
}

export async function importCsv(
  db: Database,
  businessId: string,
  content: string | Buffer,
  options: { mapping?: Mapping; dryRun?: boolean; country?: string; batchSize?: number; logger?: Logger } = {},
) {
  const filePath = await tempFile(content);
  const upload = await createImport(db, { businessId, fileName: 'contacts.csv', filePath });
  await startImport(db, businessId, upload.id, {
    mapping: options.mapping ?? upload.suggestedMapping,
    country: options.country,
    dryRun: options.dryRun,
  });
  const status = await runImport(db, upload.id, { batchSize: options.batchSize, logger: options.logger });
  const report = await importReport(db, businessId, upload.id);
  return { upload, status, report };
}

export async function contactsOf(db: Database, businessId: string) {
  return db.prisma.contact.findMany({
    where: { businessId },
    include: { identifiers: true, tags: { include: { tag: true } } },
    orderBy: { createdAt: 'asc' },
  });
}

/** A logger that keeps what it is given (one parsed JSON line per entry). */
export function memoryLogger(): { logger: Logger; lines: { msg: string; [k: string]: unknown }[] } {
  const lines: { msg: string }[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as { msg: string });
        done();
      },
    }),
  );
  return { logger, lines };
}
