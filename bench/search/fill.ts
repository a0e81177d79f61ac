// Fills a business with N synthetic contacts inside the database (generate_series): no client round trip a row, so a
// million contacts take minutes, not hours. Names from real lists (so a common last name matches ~1 % of contacts),
// an email and a unique UK mobile for each, a tag on a third of them, 2 % archived; createdAt one second apart.
import type { Database } from '../../prisma/index.ts';

const FIRST =
  `James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph
Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Margaret Mark Sandra Donald Ashley
Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy George Melissa Timothy
Deborah Oliver Amelia Harry Isla Jack Ava Noah Mia Leo Grace Arthur Freya Oscar Lily Theo Sophia Finley Ivy Archie Rosie`
    .split(/\s+/)
    .filter(Boolean);
const LAST =
  `Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker
White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee
King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook
Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh
Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills
Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey`
    .split(/\s+/)
    .filter(Boolean);
const COMPANY = ['Acme Ltd', 'Globex', 'Initech', 'Umbrella plc', 'Hooli', 'Stark Industries', 'Wayne Enterprises'];
export const TAGS = 20;

/** A valid (version 4 shaped) uuid made from a SQL text expression: the same g gives the same id in every statement. */
export const uuidOf = (text: string) =>
  `(substr(md5(${text}), 1, 12) || '4' || substr(md5(${text}), 14, 3) || '8' || substr(md5(${text}), 18))::uuid`;

const sqlArray = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`;

/** Inserts contacts g = from..to (inclusive) of the business; each call one transaction. */
async function fillRange(db: Database, businessId: string, from: number, to: number): Promise<void> {
  const id = uuidOf(`'c' || g`);
  // Names keyed by g through multiplicative hashes, so neighbours differ and every combination occurs.
  const first = `(${sqlArray(FIRST)})[1 + (g::bigint * 7919) % ${FIRST.length}]`;
  const last = `(${sqlArray(LAST)})[1 + (g::bigint * 104729) % ${LAST.length}]`;
  await db.query(
    `INSERT INTO "Contact" (id, "businessId", status, "firstName", "lastName", "businessName", channel, "createdAt", "updatedAt")
     SELECT ${id}, $1::uuid, (CASE WHEN g % 50 = 0 THEN 'archived' ELSE 'active' END)::"ContactStatus", ${first}, ${last},
       CASE WHEN g % 5 = 0 THEN (${sqlArray(COMPANY)})[1 + g % ${COMPANY.length}] END, 'import',
       timestamptz '2026-01-01' + make_interval(secs => g), timestamptz '2026-01-01' + make_interval(secs => g)
     FROM generate_series($2::int, $3::int) g`,
    [businessId, from, to],
  );
  // Emails first.last<g>@<domain>; phones +447 and a permutation of g over 9 digits (48271 is prime to 10: unique).
  await db.query(
    `INSERT INTO "Identifier" ("businessId", kind, value, "contactId")
     SELECT $1::uuid, 'email'::"IdentifierKind", lower(${first}) || '.' || lower(${last}) || g || '@' || (ARRAY['example.com','mail.test','corp.test'])[1 + g % 3], ${id}
     FROM generate_series($2::int, $3::int) g
     UNION ALL
     SELECT $1::uuid, 'phone', '+447' || lpad(((g::bigint * 48271) % 1000000000)::text, 9, '0'), ${id}
     FROM generate_series($2::int, $3::int) g`,
    [businessId, from, to],
  );
  await db.query(
    `INSERT INTO "ContactTag" ("contactId", "tagId")
     SELECT ${id}, ${uuidOf(`$1::text || 't' || ((g / 3) % ${TAGS})`)} FROM generate_series($2::int, $3::int) g WHERE g % 3 = 0
     UNION ALL
     SELECT ${id}, ${uuidOf(`$1::text || 'vip'`)} FROM generate_series($2::int, $3::int) g WHERE g % 1000 = 7`,
    [businessId, from, to],
  );
}

/**
 * N contacts for the business, in chunks (PGlite holds a whole statement's work in memory), then ANALYZE, as an
 * import ends. Tags: t0…t19 (each on ~1.7 % of contacts) and vip (0.1 %).
 */
export async function fillContacts(
  db: Database,
  businessId: string,
  n: number,
  progress: (done: number) => void = () => {},
): Promise<void> {
  await db.query(
    `INSERT INTO "Tag" (id, "businessId", name, "nameKey", "updatedAt")
     SELECT ${uuidOf(`$1::text || 't' || i`)}, $1::uuid, 't' || i, 't' || i, now() FROM generate_series(0, ${TAGS - 1}) i
     UNION ALL SELECT ${uuidOf(`$1::text || 'vip'`)}, $1::uuid, 'VIP', 'vip', now()`,
    [businessId],
  );
  const chunk = 50_000;
  for (let from = 1; from <= n; from += chunk) {
    const to = Math.min(n, from + chunk - 1);
    await fillRange(db, businessId, from, to);
    progress(to);
  }
  await db.query('ANALYZE "Contact", "Identifier", "ContactTag", "Tag"');
}
