// Public entry of the data layer: the database handle, migrations, and Prisma's generated types.
export { openDatabase, fromPGlite, migrationDriver, pgTransaction, preparedName, MAX_PREPARED } from './database.ts';
export { newRowId } from './row-id.ts';
export type { Database, DatabaseKind, DatabaseOptions, Driver, QueryOptions, Sql } from './database.ts';
export { applyMigrations, pendingSchemaChanges, authorMigration } from './migrations.ts';
export { pgliteStartParams, pgliteExtensions } from './pglite.ts';
export { DataDirLockedError, isDataDirLockedError, LOCK_FILE } from './lock/index.ts';
export type { LockHolder } from './lock/index.ts';
export * from './generated/client.ts';
export { startVacuumer, vacuumPass, maintenanceFor, maintenanceStatement } from './vacuum.ts';
export type { Vacuumer, VacuumPass, TableStats, Maintenance } from './vacuum.ts';
