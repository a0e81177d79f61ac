// Fills a business with N synthetic contacts inside the database: one INSERT … SELECT FROM generate_series per table
// (per 100,000 contacts on PGlite, which holds a statement's work in memory), with the tables' secondary indexes
// dropped before and built again after, the search-text triggers off (the fill writes the column itself, through the
// same function) and foreign key triggers skipped (session_replication_role = replica); all in one transaction, then
// ANALYZE, as an import ends.
//
// The data, keyed by g = 1…N through hashes (neighbours differ, every combination occurs):
// - last names: 30 % from 105 common British surnames with a Zipf-like spread (Smith ~1.2 % of all contacts, the
//   105th ~0.1 %), 70 % rare ones made of three syllables (27,000 of them: ~26 contacts each at 1M);
// - first names: 72 common ones, evenly (~1.4 % each); a business name on one in five;
// - an email on 92 % (first.last<g>@ a domain: gmail.com 35 %, outlook.com 12 %, hotmail.co.uk 10 %, yahoo.co.uk 6 %,
//   icloud.com 5 %, btinternet.com 4 %, else a company's), a unique UK mobile on 85 %;
// - tags t0…t19 on ~1.7 % of contacts each, VIP on 0.1 %; 2 % archived;
// - createdAt: the first fifth share one instant (one import), the rest one second apart.
import { migrationDriver, type Database } from '../../prisma/index.ts';

const FIRST =
  `James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph
Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Margaret Mark Sandra Donald Ashley
Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy George Melissa Timothy
Deborah Oliver Amelia Harry Isla Jack Ava Noah Mia Leo Grace Arthur Freya Oscar Lily Theo Sophia Finley Ivy Archie Rosie`
    .split(/\s+/)
    .filter(Boolean);
/** Most common first. */
export const COMMON_LAST =
  `Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker
White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee
King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook
Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh
Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills
Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey`
    .split(/\s+/)
    .filter(Boolean);
const SYLLABLE1 =
  'Ab Bar Bel Bram Cal Cor Dal Dun Ell Fair Gar Hal Har Kel Lan Mar Mel Nor Pen Quin Rad Sal Sel Tam Thor Ven Wal Wes Yar Zel'.split(
    ' ',
  );
const SYLLABLE2 = 'a e i o u an en in on ar er or el il ol ac ec ic oc ab eb ib ob ad ed id od ag eg ig'.split(' ');
const SYLLABLE3 =
  'by ton ley ford wick worth field more stone well wood ham den ridge ston ing man son dale croft hurst cott land mere ward shaw low bury thorpe combe'.split(
    ' ',
  );
const COMPANY = ['Acme Ltd', 'Globex', 'Initech', 'Umbrella plc', 'Hooli', 'Stark Industries', 'Wayne Enterprises'];
const COMPANY_DOMAIN = ['acme.co.uk', 'globex.com', 'initech.com', 'umbrella.co.uk', 'hooli.com', 'stark.com'];
export const TAGS = 20;

/**
 * Contact g's id: version 4 shaped, its first 8 hex digits the business's (so that businesses filled in one database
 * differ), the rest g: cheap (an md5 a row cost ~2 µs, a fifth of a contact's fill).
 */
export const contactIdOf = (businessId: string, g: string) =>
  `('${businessId.replace(/-/g, '').slice(0, 8)}-0000-4000-8000-' || lpad(to_hex(${g}), 12, '0'))::uuid`;

/** A valid (version 4 shaped) uuid made from a SQL text expression: the same text gives the same id every time. */
export const uuidOf = (text: string) =>
  `(substr(md5(${text}), 1, 12) || '4' || substr(md5(${text}), 14, 3) || '8' || substr(md5(${text}), 18))::uuid`;

const sqlArray = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`;
/** A number in [0, 1) from g, one stream a salt. */
const u = (salt: number) => `((hashint4(g * 31 + ${salt})::bigint + 2147483648) / 4294967296.0::float8)`;
const pickFrom = (xs: string[], salt: number) => `(${sqlArray(xs)})[1 + floor(${u(salt)} * ${xs.length})::int]`;

const first = pickFrom(FIRST, 1);
// Common (30 %): index i with density ∝ 1/(i + 10) (inverse of its distribution function); rare: three syllables.
const last = `CASE WHEN ${u(2)} < 0.3
  THEN (${sqlArray(COMMON_LAST)})[1 + least(${COMMON_LAST.length - 1}, floor(10 * power(${(COMMON_LAST.length + 10) / 10}, ${u(3)}) - 10)::int)]
  ELSE ${pickFrom(SYLLABLE1, 4)} || ${pickFrom(SYLLABLE2, 5)} || ${pickFrom(SYLLABLE3, 6)} END`;
const business = `CASE WHEN g % 5 = 0 THEN (${sqlArray(COMPANY)})[1 + g % ${COMPANY.length}] END`;
const domain = `CASE WHEN ${u(7)} < 0.35 THEN 'gmail.com' WHEN ${u(7)} < 0.47 THEN 'outlook.com'
  WHEN ${u(7)} < 0.57 THEN 'hotmail.co.uk' WHEN ${u(7)} < 0.63 THEN 'yahoo.co.uk' WHEN ${u(7)} < 0.68 THEN 'icloud.com'
  WHEN ${u(7)} < 0.72 THEN 'btinternet.com' ELSE (${sqlArray(COMPANY_DOMAIN)})[1 + g % ${COMPANY_DOMAIN.length}] END`;
const email = `CASE WHEN ${u(8)} < 0.92 THEN lower(f.first) || '.' || lower(f.last) || g || '@' || ${domain} END`;
// +447 and a permutation of g over 9 digits (48271 is prime to 10: unique).
const phone = `CASE WHEN ${u(9)} < 0.85 THEN '+447' || lpad(((g::bigint * 48271) % 1000000000)::text, 9, '0') END`;

/** The contacts g = from..to, with their identifiers and tags, in the caller's transaction. */
async function fillRange(
  query: (text: string, params?: unknown[]) => Promise<unknown>,
  businessId: string,
  n: number,
  from: number,
  to: number,
): Promise<void> {
  if (!/^[0-9a-f-]{36}$/.test(businessId)) throw new Error('fillContacts: not a uuid');
  const id = contactIdOf(businessId, 'g');
  const createdAt = `CASE WHEN g <= ${Math.floor(n / 5)} THEN timestamptz '2025-06-01'
    ELSE timestamptz '2026-01-01' + make_interval(secs => g) END`;
  const status = `(CASE WHEN g % 50 = 0 THEN 'archived' ELSE 'active' END)::"ContactStatus"`;
  // One row per contact with its fields, computed once, read by the inserts.
  await query(
    `CREATE TEMP TABLE fill_rows ON COMMIT DROP AS
     SELECT g, ${id} AS id, f.first, f.last, f.business, e.email, ${phone} AS phone
     FROM (SELECT g, ${first} AS first, ${last} AS last, ${business} AS business FROM generate_series($1::int, $2::int) g) f,
       LATERAL (SELECT ${email} AS email) e`,
    [from, to],
  );
  await query(
    `INSERT INTO "Contact" (id, "businessId", status, "firstName", "lastName", "businessName", channel, "createdAt",
       "updatedAt", "searchText")
     SELECT id, $1::uuid, ${status}, first, last,
       business, 'import', ${createdAt}, ${createdAt}, contact_search_text(first, NULL, last, business, email)
     FROM fill_rows`,
    [businessId],
  );
  await query(
    `INSERT INTO "Identifier" ("businessId", kind, value, "contactId")
     SELECT $1::uuid, 'email'::"IdentifierKind", email, id FROM fill_rows WHERE email IS NOT NULL
     UNION ALL SELECT $1::uuid, 'phone', phone, id FROM fill_rows WHERE phone IS NOT NULL`,
    [businessId],
  );
  // With their contacts' status and createdAt (the tag order's copy, else the trigger would look each one up).
  await query(
    `INSERT INTO "ContactTag" ("contactId", "tagId", "contactStatus", "contactCreatedAt")
     SELECT ${id}, tag, ${status}, ${createdAt} FROM (
       SELECT g, ${uuidOf(`$1::text || 't' || ((g / 3) % ${TAGS})`)} AS tag FROM generate_series($2::int, $3::int) g WHERE g % 3 = 0
       UNION ALL
       SELECT g, ${uuidOf(`$1::text || 'vip'`)} FROM generate_series($2::int, $3::int) g WHERE g % 1000 = 7) l`,
    [businessId, from, to],
  );
  await query(`DROP TABLE fill_rows`);
}

const TABLES = ['Contact', 'Identifier', 'ContactTag'];

/**
 * N contacts for the business (see the top of this file), then ANALYZE. Tags: t0…t19 (each on ~1.7 % of contacts)
 * and VIP (0.1 %).
 */
export async function fillContacts(
  db: Database,
  businessId: string,
  n: number,
  progress: (done: number) => void = () => {},
): Promise<void> {
  const chunk = db.driver.kind === 'pglite' ? 100_000 : n;
  await migrationDriver(db).transaction(async ({ query }) => {
    await query(`SET LOCAL session_replication_role = replica`);
    if (db.driver.kind === 'postgres') await query(`SET LOCAL maintenance_work_mem = '512MB'`);
    await query(
      `INSERT INTO "Tag" (id, "businessId", name, "nameKey", "updatedAt")
       SELECT ${uuidOf(`$1::text || 't' || i`)}, $1::uuid, 't' || i, 't' || i, now() FROM generate_series(0, ${TAGS - 1}) i
       UNION ALL SELECT ${uuidOf(`$1::text || 'vip'`)}, $1::uuid, 'VIP', 'vip', now()`,
      [businessId],
    );
    // Secondary indexes (not the keys): dropped, built again after the rows are in.
    const indexes = await query<{ name: string; def: string }>(
      `SELECT indexname AS name, indexdef AS def FROM pg_indexes
       WHERE schemaname = current_schema() AND tablename = ANY($1::text[])
         AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
      [TABLES],
    );
    for (const ix of indexes) await query(`DROP INDEX "${ix.name}"`);
    // searchText written with the rows (contact_search_text), the search-text triggers off for this transaction
    await query(`SET LOCAL baton.search_text_by_writer = on`);
    for (let from = 1; from <= n; from += chunk) {
      const to = Math.min(n, from + chunk - 1);
      await fillRange(query, businessId, n, from, to);
      progress(to);
    }
    for (const ix of indexes) await query(ix.def);
  });
  await db.query('ANALYZE "Contact", "Identifier", "ContactTag", "Tag"');
}
