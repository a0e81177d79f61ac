// Creates a new PGlite data directory in a short-lived process: initdb costs ~750 MB RSS that
// would otherwise stay with the server (shared/notes/database-measured.md).
import { PGlite } from '@electric-sql/pglite';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node create-datadir.mjs <dir>');
  process.exit(2);
}
const db = await PGlite.create(dir);
await db.query('select 1');
await db.close();
