// Business isolation with businesses made the way an operator makes them: `baton business create`.
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createBusiness } from '../../../contacts/index.ts';
import { openDatabase } from '../../../prisma/index.ts';
import { migratedBatonData } from '../../support/data-dir.ts';
import { testDbKind } from '../../support/db.ts';
import { baton } from '../../support/spawn.ts';
import { buildApi, call, login } from '../http/api.ts';

describe(`two businesses from \`baton business create\` on ${testDbKind()}`, () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("cannot see or touch each other's contacts, tags and users", async () => {
    const { dir, env } = await migratedBatonData('baton-a-cli-');
    dirs.push(dir);
    env.LOG_LEVEL = 'warn';
    // The first business as Baton's first start makes it; the second with the CLI.
    const first = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.BATON_DATA_DIR! });
    await first.migrate();
    await createBusiness(first, {
      name: 'North Shop',
      country: 'GB',
      admin: { email: 'boss@north.test', password: 'a-long-password' },
    });
    await first.close();
    const r = await baton(
      [
        'business',
        'create',
        '--name',
        'South Shop',
        '--country',
        'GB',
        '--admin-email',
        'boss@south.test',
        '--admin-password',
        'a-long-password',
      ],
      env,
    );
    expect(r.code, r.output).toBe(0);

    const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.BATON_DATA_DIR! });
    const app = await buildApi(db);
    try {
      const north = await login(app, 'boss@north.test', 'a-long-password');
      const south = await login(app, 'boss@south.test', 'a-long-password');
      const created = await call(app, north, 'POST', '/api/v1/contacts', {
        firstName: 'Nora',
        lastName: 'North',
        phone: '07911 000321',
      });
      expect(created.statusCode).toBe(201);
      const id = (created.json() as { id: string }).id;
      const tag = (await call(app, north, 'POST', '/api/v1/tags', { name: 'North VIP' })).json() as { id: string };

      for (const [method, url, body] of [
        ['GET', `/api/v1/contacts/${id}`, undefined],
        ['PATCH', `/api/v1/contacts/${id}`, { notes: 'x' }],
        ['DELETE', `/api/v1/contacts/${id}`, undefined],
        ['GET', `/api/v1/contacts/${id}/audit`, undefined],
        ['PATCH', `/api/v1/tags/${tag.id}`, { name: 'stolen' }],
      ] as const) {
        const res = await call(app, south, method, url, body);
        expect(res.statusCode, `${method} ${url}`).toBe(404);
      }
      const southList = (await call(app, south, 'GET', '/api/v1/contacts?search=nora')).json() as { items: unknown[] };
      expect(southList.items).toEqual([]);
      // the same number is free in the other business
      expect(
        (await call(app, south, 'POST', '/api/v1/contacts', { firstName: 'S', lastName: 'S', phone: '+447911000321' }))
          .statusCode,
      ).toBe(201);
      const users = (await call(app, south, 'GET', '/api/v1/users')).json() as { items: { email: string }[] };
      expect(users.items.map((u) => u.email)).toEqual(['boss@south.test']);
      expect((await call(app, north, 'GET', `/api/v1/contacts/${id}`)).json()).toMatchObject({
        notes: null,
        status: 'active',
      });
    } finally {
      await app.close();
      await db.close();
    }
  }, 120_000);
});
