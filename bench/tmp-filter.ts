import pg from 'pg';
import { openDatabase } from '../prisma/index.ts';
import { loadKeyFilter } from '../contacts/import/store.ts';
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
await admin.connect();
const name = `baton_filter_${process.pid}`;
await admin.query(`CREATE DATABASE "${name}"`);
const db = await openDatabase({ databaseUrl: `postgres://postgres@127.0.0.1:5432/${name}`, dataDir: '' });
try {
  await db.migrate();
  const b = await db.prisma.business.create({ data: { name: 'F', slug: 'f', country: 'GB' } });
  const n = 500_000;
  await db.query(`INSERT INTO "Contact" (id, "businessId", status, channel, "firstName", "lastName") SELECT gen_random_uuid(), $1, 'active', 'import', 'A', 'B' FROM generate_series(1, $2)`, [b.id, n]);
  await db.query(`INSERT INTO "Identifier" ("businessId", kind, value, "contactId") SELECT $1, 'phone', '+447' || lpad(row_number() over ()::text, 9, '0'), id FROM "Contact" WHERE "businessId" = $1`, [b.id]);
  await db.query(`INSERT INTO "Identifier" ("businessId", kind, value, "contactId") SELECT $1, 'email', 'c' || row_number() over () || '@example.com', id FROM "Contact" WHERE "businessId" = $1`, [b.id]);
  await db.query('ANALYZE');
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const f = await loadKeyFilter(db.query, b.id, 0, 10_000_000);
    const ms = performance.now() - t;
    let missing = 0;
    for (let k = 1; k <= n; k++) { if (!f!.mayHave(`p:+447${String(k).padStart(9, '0')}`)) missing++; if (!f!.mayHave(`e:c${k}@example.com`)) missing++; }
    console.log(`loadKeyFilter: ${2 * n} identifiers in ${ms.toFixed(0)} ms = ${((ms * 1000) / (2 * n)).toFixed(2)} µs each; filter ${f!.byteLength} bytes; missing ${missing}`);
  }
} finally {
  await db.close();
  await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
  await admin.end();
}
