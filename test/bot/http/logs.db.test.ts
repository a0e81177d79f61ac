import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBusiness } from '../../../contacts/index.ts';
import { createHttpServer } from '../../../bot/http/server.ts';
import { createLogger } from '../../../bot/logger.ts';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { call, login } from './api.ts';

describe(`request logs of the API on ${testDbKind()}`, () => {
  let db: Database;
  let lines = '';
  beforeAll(async () => {
    db = await createTestDatabase();
    await createBusiness(db, {
      name: 'Logs',
      country: 'GB',
      admin: { email: 'boss@logs.test', password: 'a-long-password' },
    });
  });
  afterAll(async () => db.close());

  it('never contain a full phone or email, also when URL-encoded in a search', async () => {
    const sink = new Writable({ write: (chunk, _enc, done) => ((lines += String(chunk)), done()) });
    const app = await createHttpServer({ db, logger: createLogger('info', sink), tokenSecret: 'x'.repeat(32) });
    try {
      const token = await login(app, 'boss@logs.test', 'a-long-password');
      const created = await call(app, token, 'POST', '/api/v1/contacts', {
        firstName: 'Log',
        lastName: 'Test',
        phone: '+447911000135',
        email: 'secret.person@example.com',
      });
      expect(created.statusCode).toBe(201);
      for (const q of [
        '%2B447911000135',
        '+447911000135',
        '07911%20000135',
        'secret.person%40example.com',
        'secret.person@example.com',
      ]) {
        expect((await call(app, token, 'GET', `/api/v1/contacts?search=${q}`)).statusCode).toBe(200);
      }
      await call(app, token, 'POST', '/api/v1/contacts', { firstName: 'Dup', lastName: 'X', phone: '+447911000135' });
    } finally {
      await app.close();
    }
    expect(lines).toContain('/api/v1/contacts?search=');
    expect(lines).not.toMatch(/447911000135|7911\s?000135/);
    expect(lines).not.toContain('secret.person');
    expect(lines).not.toContain('%40example');
  });
});
