// Creates a new PGlite data directory in a short-lived process: initdb costs ~750 MB RSS that
// would otherwise stay with the server (shared/notes/database-measured.md).
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node create-datadir.mjs <dir>');
  process.exit(2);
}
const db = await PGlite.create(dir, { extensions: { pg_trgm } }); // as prisma/pglite.ts's pgliteExtensions
await db.query('select 1');
await db.close();
