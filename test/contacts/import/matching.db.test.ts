// Matching rows against what exists: in-file duplicates, archived contacts, guests, users' identifiers, two
// contacts at once, re-import, dry run, agents, tags, the failed-rows CSV and resuming after a stop.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import {
  createImport,
  errorsCsv,
  getImport,
  importReport,
  resumeImports,
  runImport,
  startImport,
} from '../../../contacts/import/index.ts';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase } from '../../support/db.ts';
import { business, contactsOf, importCsv, tempFile } from './helpers.ts';

let db: Database;
let businessId: string;
let adminId: string;
beforeEach(async () => {
  db = await createTestDatabase();
  ({ businessId, adminId } = await business(db));
});
afterEach(async () => {
  await db.close();
});

const HEAD = 'First Name,Last Name,Mobile,Email,Tags\n';

async function addContact(data: {
  first: string;
  phone?: string;
  email?: string;
  status?: 'active' | 'archived' | 'guest';
}) {
  const c = await db.prisma.contact.create({
    data: {
      businessId,
      firstName: data.first,
      lastName: 'Existing',
      status: data.status ?? 'active',
      archivedAt: data.status === 'archived' ? new Date() : null,
    },
  });
  if (data.phone)
    await db.prisma.identifier.create({ data: { businessId, kind: 'phone', value: data.phone, contactId: c.id } });
  if (data.email)
    await db.prisma.identifier.create({ data: { businessId, kind: 'email', value: data.email, contactId: c.id } });
  return c;
}

describe('matching', () => {
  it('rows duplicated inside the file become one contact, within and across batches', async () => {
    const csv =
      HEAD +
      'Jane,Doe,07911 123456,,\n' +
      'Jane,Doe,+44 7911 123456,jane@x.com,VIP\n' + // same phone: adds the email and a tag
      'Jane,Doe,,JANE@x.com,\n' + // same email, nothing new
      'Bob,Roe,07912 345678,,\n' +
      'Bob,Roe,0044 7912 345678,,\n';
    for (const batchSize of [5000, 2]) {
      const { report } = await importCsv(db, businessId, csv, { batchSize });
      if (batchSize === 5000) expect(report).toMatchObject({ created: 2, updated: 1, unchanged: 2, failed: 0 });
      else expect(report).toMatchObject({ created: 0, updated: 0, unchanged: 5, failed: 0 });
    }
    const contacts = await contactsOf(db, businessId);
    expect(contacts).toHaveLength(2);
    const jane = contacts.find((c) => c.firstName === 'Jane')!;
    expect(jane.identifiers.map((i) => i.value).sort()).toEqual(['+447911123456', 'jane@x.com']);
    expect(jane.tags.map((t) => t.tag.name)).toEqual(['VIP']);
  });

  it('the same duplicates give the same counts when split across batches', async () => {
    const csv = HEAD + 'Jane,Doe,07911 123456,,\nJane,Doe,07911 123456,jane@x.com,\nJane,Doe,,jane@x.com,\n';
    const { report } = await importCsv(db, businessId, csv, { batchSize: 1 });
    expect(report).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    expect(await db.prisma.contact.count({ where: { businessId } })).toBe(1);
  });

  it('updates an archived contact, which stays archived', async () => {
    const archived = await addContact({ first: 'Old', phone: '+447911123456', status: 'archived' });
    const { report } = await importCsv(db, businessId, `${HEAD}Jane,Doe,07911 123456,jane@x.com,\n`);
    expect(report).toMatchObject({ created: 0, updated: 1 });
    const c = await db.prisma.contact.findUniqueOrThrow({ where: { id: archived.id }, include: { identifiers: true } });
    expect(c).toMatchObject({ status: 'archived', firstName: 'Jane', lastName: 'Doe' });
    expect(c.identifiers.map((i) => i.value).sort()).toEqual(['+447911123456', 'jane@x.com']);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { entityId: archived.id } });
    expect(audit).toMatchObject({ actorType: 'import', action: 'updated' });
    expect(audit.changes).toMatchObject({
      firstName: { from: 'Old', to: 'Jane' },
      email: { from: null, to: 'jane@x.com' },
    });
  });

  it('a guest matched by its phone becomes an active contact', async () => {
    const guest = await addContact({ first: 'Guest Amber Falcon', phone: '+447911123456', status: 'guest' });
    await importCsv(db, businessId, `${HEAD}Jane,Doe,07911 123456,,\n`);
    expect(await db.prisma.contact.findUniqueOrThrow({ where: { id: guest.id } })).toMatchObject({
      status: 'active',
      firstName: 'Jane',
    });
  });

  it('refuses a row whose phone or email belongs to a user, or that matches two contacts', async () => {
    await db.prisma.identifier.create({ data: { businessId, kind: 'phone', value: '+447911000001', userId: adminId } });
    await addContact({ first: 'A', phone: '+447911111111' });
    await addContact({ first: 'B', email: 'b@x.com' });
    const csv =
      HEAD +
      'Eve,Doe,07911 000001,,\n' + // the admin's phone
      'Eve,Doe,,admin@acme.test,\n' + // the admin's login
      'Eve,Doe,07911 111111,b@x.com,\n' + // A's phone and B's email
      'Ok,Row,,ok@x.com,\n';
    const { report } = await importCsv(db, businessId, csv);
    expect(report).toMatchObject({ created: 1, updated: 0, failed: 3 });
    expect(report.errors).toEqual([
      { row: 2, column: 'Mobile', code: 'IDENTIFIER_TAKEN', message: expect.stringContaining('belongs to a user') },
      { row: 3, column: 'Email', code: 'IDENTIFIER_TAKEN', message: expect.stringContaining('belongs to a user') },
      { row: 4, column: null, code: 'CONTACT_CONFLICT', message: expect.any(String) },
    ]);
    expect(await db.prisma.contact.count({ where: { businessId } })).toBe(3);
  });

  it('re-importing the same file creates nothing new', async () => {
    const csv = `${HEAD}Jane,Doe,07911 123456,jane@x.com,"VIP,London"\nBob,Roe,,bob@x.com,\nBad,Row,123,,\n`;
    const first = await importCsv(db, businessId, csv);
    expect(first.report).toMatchObject({ created: 2, updated: 0, unchanged: 0, failed: 1 });
    const second = await importCsv(db, businessId, csv);
    expect(second.report).toMatchObject({ created: 0, updated: 0, unchanged: 2, failed: 1 });
    expect(await db.prisma.contact.count({ where: { businessId } })).toBe(2);
    expect(await db.prisma.tag.count({ where: { businessId } })).toBe(2);
    expect(await db.prisma.auditEvent.count({ where: { businessId, actorType: 'import' } })).toBe(2);
  });

  it('a dry run gives the same report as the real run and saves nothing', async () => {
    await addContact({ first: 'Old', phone: '+447911123456', status: 'archived' });
    const csv = `${HEAD}Jane,Doe,07911 123456,,\nJane,Doe,,j@x.com,\nA,B,,a@x.com,T1\nA,B,,a@x.com,T2\n,,,,\nX,Y,1,,\n`;
    const dry = await importCsv(db, businessId, csv, { dryRun: true, batchSize: 2 });
    expect(await db.prisma.contact.count({ where: { businessId } })).toBe(1);
    expect(await db.prisma.tag.count({ where: { businessId } })).toBe(0);
    const real = await importCsv(db, businessId, csv, { batchSize: 2 });
    expect(dry.report).toEqual(real.report);
    expect(real.report).toMatchObject({ created: 2, updated: 2, unchanged: 0, skipped: 1, failed: 1 });
  });

  it('assigns agents by email and reports unknown ones', async () => {
    const csv = 'Name,Email,Assigned Agent\nJane Doe,j@x.com,ADMIN@acme.test\nBob Roe,b@x.com,nobody@acme.test\n';
    const { report } = await importCsv(db, businessId, csv);
    expect(report.errors).toEqual([
      { row: 3, column: 'Assigned Agent', code: 'AGENT_NOT_FOUND', message: expect.any(String) },
    ]);
    const jane = await db.prisma.contact.findFirstOrThrow({ where: { businessId, firstName: 'Jane' } });
    expect(jane.assignedAgentId).toBe(adminId);
  });

  it('the failed rows come back as CSV with an error column, fixable and re-importable', async () => {
    const csv = `${HEAD}Jane,Doe,07911 123456,,\n"Doe, Bad",Row,12345,bad@,x\nNo,Contact,,,\n`;
    const { upload } = await importCsv(db, businessId, csv);
    let text = '';
    for await (const chunk of errorsCsv(db, businessId, upload.id)) text += chunk;
    const rows = parse(text, { bom: true }) as string[][];
    expect(rows[0]).toEqual(['First Name', 'Last Name', 'Mobile', 'Email', 'Tags', 'error']);
    expect(rows.slice(1).map((r) => r.slice(0, 5))).toEqual([
      ['Doe, Bad', 'Row', '12345', 'bad@', 'x'],
      ['No', 'Contact', '', '', ''],
    ]);
    expect(rows[1]![5]).toMatch(/^Mobile: .*; Email: /);
    expect(rows[2]![5]).toMatch(/neither a phone nor an email/);
    // Fixed and imported again: the error column is left unmapped.
    const fixed = text
      .replace('12345', '07912 345678')
      .replace('bad@', 'bad@x.com')
      .replace('No,Contact,,', 'No,Contact,,n@x.com');
    const again = await importCsv(db, businessId, fixed);
    expect(again.upload.suggestedMapping.error).toBeNull();
    expect(again.report).toMatchObject({ created: 2, failed: 0 });
  });

  it('a stopped import resumes from its last batch without duplicating rows', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => `P${i},Q,07911 12345${i},p${i}@x.com,T`);
    const file = await tempFile(`${HEAD}${lines.join('\n')}\n`);
    const upload = await createImport(db, { businessId, fileName: 'c.csv', filePath: file });
    await startImport(db, businessId, upload.id, { mapping: upload.suggestedMapping });
    const stop = new AbortController();
    const finished: string[] = [];
    const onFinished = (s: { status: string }) => void finished.push(s.status);
    await runImport(db, upload.id, { batchSize: 3, signal: stop.signal, onProgress: () => stop.abort(), onFinished });
    // Paused is not finished: the uploaded file must stay for the resumed run.
    expect(finished).toEqual([]);
    const paused = await getImport(db, businessId, upload.id);
    expect(paused).toMatchObject({ status: 'running', processedRows: 3, created: 3 });
    expect(await db.prisma.contact.count({ where: { businessId } })).toBe(3);
    // The next start: the job continues from row 3.
    expect(await resumeImports(db, { onFinished })).toEqual([upload.id]);
    expect(finished).toEqual(['completed']);
    const done = await importReport(db, businessId, upload.id);
    expect(done).toMatchObject({ created: 10, updated: 0, unchanged: 0, failed: 0 });
    expect(await db.prisma.contact.count({ where: { businessId } })).toBe(10);
    expect(await getImport(db, businessId, upload.id)).toMatchObject({ status: 'completed', processedRows: 10 });
  });

  it('two imports of overlapping files at once create each contact once', async () => {
    const lines = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) => `P${from + k},Q,,p${from + k}@x.com,T${(from + k) % 3}`).join('\n');
    const [a, b] = await Promise.all([
      importCsv(db, businessId, `${HEAD}${lines(0, 120)}\n`, { batchSize: 15 }),
      importCsv(db, businessId, `${HEAD}${lines(60, 180)}\n`, { batchSize: 15 }),
    ]);
    expect([a.status.status, b.status.status]).toEqual(['completed', 'completed']);
    expect(a.report.created + b.report.created).toBe(180);
    expect(a.report.unchanged + b.report.unchanged).toBe(60);
    expect(await db.prisma.contact.count({ where: { businessId } })).toBe(180);
    expect(await db.prisma.tag.count({ where: { businessId } })).toBe(3);
  });

  it('two runners of one job (two instances resuming it) never count a row twice', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `P${i},Q,,p${i}@x.com,`);
    const file = await tempFile(`${HEAD}${lines.join('\n')}\n`);
    const upload = await createImport(db, { businessId, fileName: 'c.csv', filePath: file });
    await startImport(db, businessId, upload.id, { mapping: upload.suggestedMapping });
    await Promise.all([runImport(db, upload.id, { batchSize: 4 }), runImport(db, upload.id, { batchSize: 4 })]);
    expect(await getImport(db, businessId, upload.id)).toMatchObject({
      status: 'completed',
      processedRows: 40,
      created: 40,
      unchanged: 0,
    });
    expect(await db.prisma.contact.count({ where: { businessId } })).toBe(40);
  });

  it('a job cannot run twice at once, nor be imported again after completing', async () => {
    const { upload } = await importCsv(db, businessId, `${HEAD}Jane,Doe,07911 123456,,\n`);
    await expect(startImport(db, businessId, upload.id, { mapping: upload.suggestedMapping })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const other = await business(db, 'other');
    await expect(getImport(db, other.businessId, upload.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
