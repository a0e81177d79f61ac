// The import and export HTTP API: upload, preview, run (dry and real), progress, errors.csv, 413, roles,
// business isolation, and the export's round trip through the importer.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../../bot/http/server.ts';
import { createLogger } from '../../../bot/logger.ts';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase } from '../../support/db.ts';
import { waitFor } from '../../support/spawn.ts';
import { businessWithStaff, call } from './api.ts';

let db: Database;
let app: FastifyInstance;
let importDir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  app = await createHttpServer({
    db,
    logger: createLogger('silent'),
    tokenSecret: 'test-secret-test-secret-test-secret-1234',
    loginAttemptsPerMinute: 1000,
    importDir: (importDir = await mkdtemp(path.join(os.tmpdir(), 'B-uploads-'))),
    importMaxBytes: 2048,
  });
});
afterAll(async () => {
  await app.close();
  await db.close();
  await rm(importDir, { recursive: true, force: true });
});

function upload(token: string, content: string, filename = 'contacts.csv') {
  const boundary = 'BatonBoundary7MA4YWxk';
  const payload =
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
    `Content-Type: text/csv\r\n\r\n${content}\r\n--${boundary}--\r\n`;
  return app.inject({
    method: 'POST',
    url: '/api/v1/imports',
    payload,
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
}

async function finished(token: string, id: string) {
  return waitFor(async () => {
    const res = await call(app, token, 'GET', `/api/v1/imports/${id}`);
    const body = res.json() as { status: string };
    return body.status === 'completed' || body.status === 'failed' ? body : undefined;
  });
}

const CSV = 'Full Name,Mobile Phone,E-mail,Labels\nJane Doe,07911 123456,jane@x.com,VIP\nBad Row,123,,\n,,,\n';

describe('imports API', () => {
  it('upload → suggestion and preview; dry run; real run; errors.csv', async () => {
    const { adminToken } = await businessWithStaff(app, db);
    const up = await upload(adminToken, CSV);
    expect(up.statusCode).toBe(201);
    const body = up.json();
    expect(body).toMatchObject({
      headers: ['Full Name', 'Mobile Phone', 'E-mail', 'Labels'],
      suggestedMapping: { 'Full Name': 'fullName', 'Mobile Phone': 'phone', 'E-mail': 'email', Labels: 'tags' },
      missing: [],
      totalRows: 3,
    });
    expect(body.preview[0]).toMatchObject({
      row: 2,
      status: 'ok',
      values: { firstName: 'Jane', lastName: 'Doe', phone: '+447911123456', email: 'jane@x.com', tags: ['VIP'] },
    });
    expect(body.preview[1]).toMatchObject({
      row: 3,
      status: 'error',
      errors: [{ column: 'Mobile Phone', code: 'PHONE_INVALID' }],
    });
    expect(body.preview[2]).toMatchObject({ row: 4, status: 'skipped' });

    const refused = await call(app, adminToken, 'POST', `/api/v1/imports/${body.id}/run`, {
      mapping: { 'Full Name': 'fullName' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('phone or email'),
    });

    const dry = await call(app, adminToken, 'POST', `/api/v1/imports/${body.id}/run`, {
      mapping: body.suggestedMapping,
      dryRun: true,
    });
    expect(dry.statusCode).toBe(202);
    expect(existsSync(path.join(importDir, `${body.id}.csv`))).toBe(true);
    const dryDone = await finished(adminToken, body.id);
    expect(dryDone).toMatchObject({
      status: 'completed',
      dryRun: true,
      created: 1,
      failed: 1,
      skipped: 1,
      processedRows: 3,
    });
    expect(await db.prisma.contact.count({ where: { firstName: 'Jane' } })).toBe(0);

    expect(
      (await call(app, adminToken, 'POST', `/api/v1/imports/${body.id}/run`, { mapping: body.suggestedMapping }))
        .statusCode,
    ).toBe(202);
    const done = await finished(adminToken, body.id);
    expect(done).toMatchObject({
      status: 'completed',
      dryRun: false,
      created: 1,
      failed: 1,
      skipped: 1,
      errors: [{ row: 3, column: 'Mobile Phone', code: 'PHONE_INVALID' }],
    });
    // The upload is deleted once its rows are saved (it was kept through the dry run).
    await waitFor(async () => (existsSync(path.join(importDir, `${body.id}.csv`)) ? undefined : true));
    const errors = await call(app, adminToken, 'GET', `/api/v1/imports/${body.id}/errors.csv`);
    expect(errors.statusCode).toBe(200);
    expect(errors.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse(errors.body, { bom: true }) as string[][];
    expect(rows[0]).toEqual(['Full Name', 'Mobile Phone', 'E-mail', 'Labels', 'error']);
    expect(rows[1]!.slice(0, 4)).toEqual(['Bad Row', '123', '', '']);
    expect(rows).toHaveLength(2);
  });

  it('413 above the upload limit; admins only; other businesses see 404', async () => {
    const { adminToken, agentToken } = await businessWithStaff(app, db);
    const big = await upload(adminToken, `Name,Email\n${'Jane Doe,jane@example.com\n'.repeat(200)}`);
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringContaining('BATON_IMPORT_MAX_MB'),
    });
    expect((await upload(agentToken, CSV)).statusCode).toBe(403);
    const bad = await upload(adminToken, 'just one line with no data\n');
    expect(bad.statusCode).toBe(400);
    const up = (await upload(adminToken, CSV)).json() as { id: string };
    expect((await call(app, agentToken, 'GET', `/api/v1/imports/${up.id}`)).statusCode).toBe(403);
    const other = await businessWithStaff(app, db);
    expect((await call(app, other.adminToken, 'GET', `/api/v1/imports/${up.id}`)).statusCode).toBe(404);
    expect((await call(app, other.adminToken, 'GET', `/api/v1/imports/${up.id}/errors.csv`)).statusCode).toBe(404);
  });

  it('export.csv neutralises formulas and imports back as is, creating nothing new', async () => {
    const { adminToken, business } = await businessWithStaff(app, db);
    const csv =
      'First Name,Last Name,Mobile,Email,Tags,Notes\n=cmd,Doe,07911 123456,a@x.com,"VIP, London",@SUM(1)\nBob,Roe,+1 201 555 0123,,,\n';
    const up = (await upload(adminToken, csv)).json() as { id: string; suggestedMapping: Record<string, string> };
    await call(app, adminToken, 'POST', `/api/v1/imports/${up.id}/run`, { mapping: up.suggestedMapping });
    expect(await finished(adminToken, up.id)).toMatchObject({ created: 2, failed: 0 });

    const exported = await call(app, adminToken, 'GET', '/api/v1/contacts/export.csv');
    expect(exported.statusCode).toBe(200);
    const rows = parse(exported.body) as string[][];
    const header = rows[0]!;
    const jane = rows.find((r) => r[header.indexOf('lastName')] === 'Doe')!;
    expect(jane[header.indexOf('firstName')]).toBe("'=cmd");
    expect(jane[header.indexOf('phone')]).toBe("'+447911123456");
    expect(jane[header.indexOf('notes')]).toBe("'@SUM(1)");
    expect(jane[header.indexOf('tags')]).toBe('London, VIP');
    const filtered = parse(
      (await call(app, adminToken, 'GET', '/api/v1/contacts/export.csv?tag=vip')).body,
    ) as string[][];
    expect(filtered).toHaveLength(2);
    expect((await call(app, adminToken, 'GET', '/api/v1/contacts/export.csv?status=nope')).statusCode).toBe(400);

    const again = (await upload(adminToken, exported.body)).json() as {
      id: string;
      suggestedMapping: Record<string, string>;
    };
    expect(Object.values(again.suggestedMapping).filter(Boolean)).toHaveLength(21);
    await call(app, adminToken, 'POST', `/api/v1/imports/${again.id}/run`, { mapping: again.suggestedMapping });
    expect(await finished(adminToken, again.id)).toMatchObject({ created: 0, updated: 0, unchanged: 2, failed: 0 });
    const stored = await db.prisma.contact.findFirstOrThrow({
      where: { businessId: business.id, lastName: 'Doe' },
      include: { identifiers: true },
    });
    expect(stored.firstName).toBe('=cmd');
    expect(stored.identifiers.find((i) => i.kind === 'phone')?.value).toBe('+447911123456');
  });
});
