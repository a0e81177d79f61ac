// The sender of a channel message without a phone (webchat, Direct Line, Emulator), resolved inside the caller's own
// statement: the caller (the conversation runtime) opens a conversation with it in the same round trip, and the
// contact is written only when the caller used it, so that a message that found its conversation opened meanwhile
// leaves no guest behind. Knows nothing of conversations: the caller says where the earlier contact comes from and
// which contact it used.
import { newRowId } from '../../prisma/index.ts';
import { guestPseudonym } from './guests.ts';

/** Adds a value to the caller's statement's parameters and returns its placeholder (`$n`). */
export type SqlParam = (value: unknown) => string;

export interface SenderCtes {
  /**
   * CTEs (comma-separated, for the caller's WITH) ending in `sender`: one row (id uuid, guest boolean,
   * "assignedAgentId" uuid): the earlier contact, or else the new guest (not written yet).
   */
  resolve: string;
  /**
   * CTEs writing what the sender needs, for the contact id in `used` (a CTE or table of the statement with a
   * "contactId" column: one row, or none when the caller did not use the sender): the new guest — contact, its
   * pseudonymous email, the audit entry — or the earlier contact re-activated when it was archived (audit
   * `reactivated`). Nothing when `used` has no row.
   */
  write(used: string): string;
}

/**
 * - `previous`: a scalar subquery (in parentheses) giving the contact of the channel conversation's earlier
 *   conversation, or no row. When it still belongs to the business it is the sender (the same visitor writing again
 *   continues as the same contact, guest or not; an archived one is re-activated); otherwise a new guest with a
 *   pseudonymised name and email.
 * - The sender's assigned agent, when active: a new conversation goes to them.
 * - The guest's email is drawn at random: a collision with an existing one (1 in 2^40) fails the statement with a
 *   unique violation (23505), and the caller draws again (a new call).
 */
export function senderWithoutPhoneCtes(
  $: SqlParam,
  input: { businessId: string; channel: string; previous: string; now: Date },
): SenderCtes {
  const business = `${$(input.businessId)}::uuid`;
  const guestId = `${$(newRowId())}::uuid`;
  const resolve = `earlier AS (
      SELECT c.id, c.status::text AS status, CASE WHEN u.active THEN u.id END AS "assignedAgentId"
      FROM "Contact" c LEFT JOIN "User" u ON u.id = c."assignedAgentId"
      WHERE c.id = ${input.previous} AND c."businessId" = ${business}),
    sender AS (
      SELECT id, status = 'guest' AS guest, "assignedAgentId" FROM earlier
      UNION ALL
      SELECT ${guestId}, true, NULL::uuid WHERE NOT EXISTS (SELECT 1 FROM earlier))`;
  const write = (used: string) => {
    const pseudonym = guestPseudonym();
    const now = `${$(input.now.toISOString())}::timestamptz`;
    const created = { status: { from: null, to: 'guest' }, channel: { from: null, to: input.channel } };
    const reactivated = { status: { from: 'archived', to: 'active' } };
    const firstName = `${$(pseudonym.firstName)}::text`;
    const lastName = `${$(pseudonym.lastName)}::text`;
    const email = `${$(pseudonym.email)}::text`;
    // The guest's searchText is written here, as contact_search_text() makes it of its names and email, and the
    // statement says so (baton.search_text_written: this contact, this statement) before the email's row is
    // inserted: the search-text triggers are not called for the guest (migration *_contact_search_text_hot_writers;
    // ~250 µs of PostgreSQL's CPU a guest, docs/performance.md). The CASE sets it only for a guest the caller used,
    // then inserts. The contact comes from the email's row: both are written only for that guest.
    return `guest_email AS (
      INSERT INTO "Identifier" ("businessId", kind, value, "contactId")
      SELECT ${business}, 'email'::"IdentifierKind", ${email}, "contactId" FROM ${used}
      WHERE CASE WHEN "contactId" = ${guestId}
        THEN set_config('baton.search_text_written', "contactId"::text || ' ' || statement_timestamp()::text, true) <> ''
        ELSE false END
      RETURNING "contactId"),
    guest AS (
      INSERT INTO "Contact" (id, "businessId", status, channel, "firstName", "lastName", "searchText", "createdAt",
        "updatedAt")
      SELECT "contactId", ${business}, 'guest'::"ContactStatus", ${$(input.channel)}, ${firstName}, ${lastName},
        contact_search_text(${firstName}, NULL, ${lastName}, NULL, ${email}), ${now}, ${now}
      FROM guest_email
      RETURNING id),
    guest_audit AS (
      INSERT INTO "AuditEvent" (id, "businessId", "actorType", "actorId", "entityType", "entityId", action, changes)
      SELECT ${$(newRowId())}::uuid, ${business}, 'customer', NULL, 'contact', id::text, 'created',
        ${$(JSON.stringify(created))}::json
      FROM guest),
    reactivated AS (
      UPDATE "Contact" SET status = 'active', "archivedAt" = NULL, "updatedAt" = ${now}
      WHERE id = (SELECT "contactId" FROM ${used}) AND id <> ${guestId} AND status = 'archived'
      RETURNING id),
    reactivated_audit AS (
      INSERT INTO "AuditEvent" (id, "businessId", "actorType", "actorId", "entityType", "entityId", action, changes)
      SELECT ${$(newRowId())}::uuid, ${business}, 'customer', NULL, 'contact', id::text, 'reactivated',
        ${$(JSON.stringify(reactivated))}::json
      FROM reactivated)`;
  };
  return { resolve, write };
}
