// /api/v1/imports (admins): upload a CSV, preview it with a mapping, run it (dry run or for real) in the
// background, follow its progress, download the failed rows as CSV.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import {
  createImport,
  DomainError,
  errorsCsv,
  FIELDS,
  getImport,
  isDomainError,
  importReport,
  previewImport,
  runImport,
  startImport,
} from '../../contacts/index.ts';
import { authOf } from './auth.ts';
import type { RouteModule } from './server.ts';

const tags = ['imports'];

/**
 * Deletes the uploaded copy of a file once a real import of it has completed: its rows are saved, and failed rows keep
 * their own cells for errors.csv. Kept after a dry run or a failure (the file is run again). Never touches files
 * outside the uploads directory (a `baton import` of a local file is the admin's own file).
 */
export async function forgetUpload(dir: string, done: { id: string; status: string; dryRun: boolean }): Promise<void> {
  if (done.status === 'completed' && !done.dryRun) await rm(path.join(dir, `${done.id}.csv`), { force: true });
}
const idParams = z.object({ id: z.uuid({ error: 'id: not an import id' }) });
const mapping = z.record(z.string(), z.enum(FIELDS).nullable());
const country = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/, 'must be a two-letter ISO 3166 country code, like GB')
  .optional();
const rowError = z.object({ row: z.number(), column: z.string().nullable(), code: z.string(), message: z.string() });

const DEFAULT_MAX_MB = 100;

/**
 * Busboy's parse errors ("Multipart: Boundary not found", "Unexpected end of form", a malformed part header) carry no
 * status, so they would answer 500: they are the client's malformed upload. @fastify/multipart's own errors keep theirs.
 */
function malformedUpload(e: unknown): never {
  const { statusCode, syscall } = e as { statusCode?: unknown; syscall?: unknown };
  // Not the disk's errors (ENOSPC, EACCES: they have a syscall), which stay ours.
  if (e instanceof Error && typeof statusCode !== 'number' && syscall === undefined && !isDomainError(e)) {
    throw new DomainError('VALIDATION_FAILED', `the upload is not valid multipart/form-data: ${e.message}`, 'file');
  }
  throw e;
}

export const importRoutes: RouteModule = async (app, deps) => {
  const { db, logger } = deps;
  const maxBytes = deps.importMaxBytes ?? DEFAULT_MAX_MB * 1024 * 1024;
  const dir = deps.importDir ?? path.join(os.tmpdir(), 'baton-imports');
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 5, parts: 6 } });
  const admin = app.requireRole('admin');

  app.post(
    '/imports',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Upload a CSV of contacts (multipart/form-data, field "file"); nothing is imported yet',
        description: 'Answers the headers, the suggested mapping, what it still lacks, the row count and a preview.',
        consumes: ['multipart/form-data'],
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      if (!request.isMultipart()) {
        throw new DomainError('VALIDATION_FAILED', 'upload the CSV as multipart/form-data in a "file" field', 'file');
      }
      const part = await request.file().catch(malformedUpload);
      if (!part) throw new DomainError('VALIDATION_FAILED', 'the upload has no file', 'file');
      const id = randomUUID();
      await mkdir(dir, { recursive: true });
      const filePath = path.join(dir, `${id}.csv`);
      try {
        await pipeline(part.file, createWriteStream(filePath)).catch(malformedUpload);
        if (part.file.truncated) {
          throw new DomainError(
            'PAYLOAD_TOO_LARGE',
            `the file is larger than the upload limit of ${Math.round(maxBytes / 1024 / 1024)} MB (BATON_IMPORT_MAX_MB)`,
            'file',
          );
        }
        const result = await createImport(db, {
          id,
          businessId: auth.businessId,
          userId: auth.userId,
          fileName: part.filename || 'upload.csv',
          filePath,
        });
        return reply.status(201).send(result);
      } catch (e) {
        await rm(filePath, { force: true });
        throw e;
      }
    },
  );

  app.post(
    '/imports/:id/preview',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'The first rows as a mapping would save them, each with its problems',
        params: idParams,
        body: z.object({ mapping: mapping.optional(), country }),
      },
    },
    async (request) => ({
      preview: await previewImport(db, authOf(request).businessId, request.params.id, request.body),
    }),
  );

  app.post(
    '/imports/:id/run',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Start the import (or a dry run) with a mapping; follow it with GET /imports/:id',
        description:
          'The mapping must include firstName and lastName (or fullName), and phone or email. Runs in the background: 202.',
        params: idParams,
        body: z.object({ mapping, country, dryRun: z.boolean().optional() }),
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const status = await startImport(db, auth.businessId, request.params.id, request.body);
      void runImport(db, status.id, { logger, onFinished: (done) => forgetUpload(dir, done) }).catch((e: unknown) =>
        logger.error({ err: e, importJob: status.id }, 'import crashed'),
      );
      return reply.status(202).send(status);
    },
  );

  app.get(
    '/imports/:id',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Status, progress (processedRows of totalRows), counts and the first 100 row errors',
        params: idParams,
        response: {
          200: z.object({
            id: z.string(),
            status: z.enum(['uploaded', 'running', 'completed', 'failed']),
            fileName: z.string(),
            dryRun: z.boolean(),
            totalRows: z.number(),
            processedRows: z.number(),
            created: z.number(),
            updated: z.number(),
            unchanged: z.number(),
            skipped: z.number(),
            failed: z.number(),
            mapping: mapping.nullable(),
            country: z.string().nullable(),
            error: z.string().nullable(),
            errors: z.array(rowError),
          }),
        },
      },
    },
    async (request) => {
      const { businessId } = authOf(request);
      const status = await getImport(db, businessId, request.params.id);
      const report = await importReport(db, businessId, request.params.id, 100);
      return { ...status, errors: report.errors };
    },
  );

  app.get(
    '/imports/:id/errors.csv',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: "The failed rows with the file's own columns and an error column, ready to fix and re-import",
        params: idParams,
      },
    },
    async (request, reply) => {
      const { businessId } = authOf(request);
      await getImport(db, businessId, request.params.id);
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="import-${request.params.id}-errors.csv"`);
      return reply.send(Readable.from(errorsCsv(db, businessId, request.params.id)));
    },
  );
};
