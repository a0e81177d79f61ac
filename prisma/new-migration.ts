// npm run db:migration -- <name>: author the next migration offline from schema.prisma.
import { authorMigration } from './migrations.ts';

const name = process.argv[2];
if (!name) {
  console.error('usage: npm run db:migration -- <name>   (e.g. add_contact_birthday)');
  process.exit(2);
}
const dir = await authorMigration(name);
console.log(dir ? `wrote ${dir}/migration.sql` : 'schema.prisma and the migrations agree: nothing to write');
