import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pendingSchemaChanges } from '../../prisma/index.ts';
import { MIGRATIONS_DIR, SCHEMA_PATH } from '../../prisma/migrations.ts';

describe('schema.prisma and prisma/migrations', () => {
  it('agree: replaying the migrations leaves nothing for schema.prisma to change', async () => {
    const sql = await pendingSchemaChanges();
    expect(sql, `schema.prisma has changes no migration holds. Run: npm run db:migration -- <name>\n${sql}`).toBe('');
  });

  it('a schema change without a migration is caught', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'baton-drift-'));
    try {
      const schema = (await readFile(SCHEMA_PATH, 'utf8')).replace(/model Tag \{\n/, 'model Tag {\n  colour String?\n');
      const schemaPath = path.join(dir, 'schema.prisma');
      await writeFile(schemaPath, schema);
      await cp(MIGRATIONS_DIR, path.join(dir, 'migrations'), { recursive: true });
      const sql = await pendingSchemaChanges(schemaPath, path.join(dir, 'migrations'));
      expect(sql).toContain('ALTER TABLE "Tag" ADD COLUMN     "colour" TEXT');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
