// Public entry of the data layer: the database handle, migrations, and Prisma's generated types.
export { openDatabase, fromPGlite, migrationDriver, pgTransaction } from './database.ts';
export type { Database, DatabaseKind, DatabaseOptions, Driver } from './database.ts';
export { applyMigrations, pendingSchemaChanges, authorMigration } from './migrations.ts';
export { pgliteStartParams, pgliteExtensions } from './pglite.ts';
export * from './generated/client.ts';
