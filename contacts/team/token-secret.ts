// The key that signs API and webchat tokens when BATON_TOKEN_SECRET is unset: made once, at random, and kept in the
// database, so a restart does not log every agent out nor cut every webchat visitor off, and every instance on one
// PostgreSQL signs with the same key — with no setting at all.
import { randomBytes } from 'node:crypto';
import type { Database } from '../../prisma/index.ts';

const NAME = 'token-secret';

/** The stored token key, made now when there is none (two instances starting at once agree on the first one). */
export async function storedTokenSecret(db: Database): Promise<string> {
  const fresh = randomBytes(32).toString('base64url');
  const rows = await db.query<{ value: string }>(
    `WITH made AS (
       INSERT INTO "ServerSecret" (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING value)
     SELECT value FROM made UNION ALL SELECT value FROM "ServerSecret" WHERE name = $1`,
    [NAME, fresh],
  );
  if (rows[0]) return rows[0].value;
  // another instance made it in the same moment: committed after this statement's snapshot, readable now
  const [made] = await db.query<{ value: string }>(`SELECT value FROM "ServerSecret" WHERE name = $1`, [NAME]);
  if (!made) throw new Error('the stored token secret could not be read');
  return made.value;
}
