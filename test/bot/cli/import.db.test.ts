// `baton import`, `baton contacts list` and `baton contacts export`, run as a user would (child processes).
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedBatonData } from '../../support/data-dir.ts';
import { baton } from '../../support/spawn.ts';
import { tempFile } from '../../contacts/import/helpers.ts';

let dir: string;
let env: Record<string, string>;
beforeAll(async () => {
  ({ dir, env } = await migratedBatonData('B-cli-'));
  env.LOG_LEVEL = 'silent';
  const created = await baton(
    [
      'business',
      'create',
      '--name',
      'Acme',
      '--country',
      'GB',
      '--admin-email',
      'boss@acme.test',
      '--admin-password',
      'correct horse',
    ],
    env,
  );
  expect(created.code, created.output).toBe(0);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('baton import / contacts', () => {
  it('imports with --map and --json, lists and exports', { timeout: 120_000 }, async () => {
    const file = await tempFile(
      'Nombre,Apellido,Movil,Correo,Etiquetas\nJane,Doe,07911 123456,Jane@X.com,VIP\nBad,Row,123,,\n',
    );
    // Headers nobody can read: refused, saying what the mapping lacks. (The Spanish ones above are read on their own.)
    const unreadable = await tempFile('Col A,Col B,Col C\nJane,Doe,07911 123456\n');
    const refused = await baton(['import', unreadable, '--json'], env);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/must include firstName, lastName, phone or email/);

    const maps = ['Nombre=firstName', 'Apellido=lastName', 'Movil=phone', 'Correo=email', 'Etiquetas=tags'];
    const args = ['import', file, ...maps.flatMap((m) => ['--map', m])];
    const dry = await baton([...args, '--dry-run', '--json'], env);
    expect(dry.code, dry.output).toBe(0);
    const report = JSON.parse(dry.output.trim().split('\n').at(-1)!);
    expect(report).toEqual({
      mapping: { Nombre: 'firstName', Apellido: 'lastName', Movil: 'phone', Correo: 'email', Etiquetas: 'tags' },
      created: 1,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      failed: 1,
      errors: [{ row: 3, column: 'Movil', code: 'PHONE_INVALID', message: expect.any(String) }],
    });
    const real = await baton(args, env);
    expect(real.code, real.output).toBe(0);
    expect(real.output).toMatch(/1 created, 0 updated, 0 unchanged, 0 empty rows skipped, 1 rows with errors/);
    expect(real.output).toMatch(/row 3 \(Movil\): PHONE_INVALID/);

    const list = await baton(['contacts', 'list', '--json', '--tag', 'vip'], env);
    expect(list.code, list.output).toBe(0);
    const contacts = JSON.parse(list.output);
    expect(contacts).toEqual([
      expect.objectContaining({
        firstName: 'Jane',
        lastName: 'Doe',
        phone: '+447911123456',
        email: 'jane@x.com',
        tags: ['VIP'],
      }),
    ]);
    expect((await baton(['contacts', 'list', '--json', '--status', 'archived'], env)).output.trim()).toBe('[]');

    const out = path.join(dir, 'export.csv');
    const exported = await baton(['contacts', 'export', '--output', out], env);
    expect(exported.code, exported.output).toBe(0);
    const csv = await readFile(out, 'utf8');
    expect(csv.split('\n')[0]).toMatch(/^firstName,middleName,lastName,email,phone,/);
    expect(csv).toContain("Jane,,Doe,jane@x.com,'+447911123456");
    const again = await baton(['import', out, '--json'], env);
    expect(JSON.parse(again.output.trim().split('\n').at(-1)!)).toMatchObject({ created: 0, unchanged: 1, failed: 0 });
  });
});
