// The sender behind an inbound channel message: find or create the contact (or guest) it belongs to.
// Called by the conversation runtime when a conversation starts; never by a channel directly.
import { z } from 'zod';
import type { Database } from '../../prisma/index.ts';
import { recordAudit } from '../audit/index.ts';
import { DomainError } from '../shared/errors.ts';
import { splitProfileName } from './guests.ts';
import { findHolder, identifierTaken } from './identifiers.ts';
import { senderWithoutPhoneCtes } from './sender-ctes.ts';
import { normalizePhone } from '../shared/phone.ts';
import { isUniqueViolation } from '../shared/tx.ts';
import { validationError } from '../shared/validation.ts';

export interface InboundSender {
  businessId: string;
  channel: string;
  /** E.164, when the channel knows the sender's number (WhatsApp) */
  phone?: string | undefined;
  profileName?: string | undefined;
  /**
   * Without a phone: the contact of this channel conversation's earlier conversation (the same webchat visitor
   * writing again after a close). Used when it still exists in the business, instead of a new guest.
   */
  previousContactId?: string | undefined;
  /** the business's country (ISO 3166 alpha-2), when the caller knows it: not queried then */
  country?: string | undefined;
}

export interface ResolvedSender {
  contactId: string;
  status: 'guest' | 'active';
  /** a new contact or guest was created */
  created: boolean;
  /** an archived contact was re-activated */
  reactivated: boolean;
  /** the active agent the contact is assigned to: new conversations go to them */
  assignedAgentId: string | null;
}

const inputSchema = z.object({
  businessId: z.uuid({ error: 'businessId must be a UUID' }),
  channel: z.string().trim().min(1, 'channel is required').max(50),
  phone: z.string().optional(),
  profileName: z.string().max(200).optional(),
  previousContactId: z.uuid({ error: 'previousContactId must be a UUID' }).optional(),
  country: z.string().length(2).optional(),
});

/**
 * - With a phone (WhatsApp): the contact holding it; an archived one is re-activated with its old name (audit
 *   `reactivated`); otherwise a new active contact with the phone and the profile name split into first/last.
 * - Without (webchat, Direct Line, Emulator): a new guest with a pseudonymised name and email. Call it once per
 *   new conversation; a known conversation already has its contact.
 * - A phone held by a user (agent/admin) is refused: IDENTIFIER_TAKEN { kind: 'phone', holder: 'user' }. Staff
 *   cannot be customers of their own business under the same number (the identifier rule); the channel should
 *   tell the sender so and not start a conversation.
 */
export async function resolveInboundSender(db: Database, input: InboundSender): Promise<ResolvedSender> {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error);
  const { businessId, channel, profileName } = parsed.data;
  // SQL on the driver: it runs for every new conversation (the runtime knows the country from its cache)
  const [business] = parsed.data.country
    ? [{ country: parsed.data.country }]
    : await db.query<{ country: string }>(`SELECT country FROM "Business" WHERE id = $1::uuid`, [businessId], {
        prepare: true,
      });
  if (!business) throw new DomainError('NOT_FOUND', 'no such business', 'businessId');

  if (parsed.data.phone === undefined) {
    const previous = parsed.data.previousContactId
      ? await fromContact(db, businessId, parsed.data.previousContactId)
      : undefined;
    return previous ?? createGuest(db, businessId, channel);
  }

  const phone = normalizePhone(parsed.data.phone, business.country);
  if (!phone.ok) throw new DomainError('VALIDATION_FAILED', phone.message, 'phone', { reason: phone.reason });

  for (let attempt = 0; ; attempt++) {
    const existing = await fromHolder(db, businessId, phone.e164);
    if (existing) return existing;
    const name = splitProfileName(profileName);
    try {
      const contact = await db.prisma.$transaction(async (tx) => {
        const c = await tx.contact.create({
          data: {
            businessId,
            status: 'active',
            channel,
            firstName: name?.firstName ?? null,
            lastName: name?.lastName || null,
          },
        });
        await tx.identifier.create({ data: { businessId, kind: 'phone', value: phone.e164, contactId: c.id } });
        await recordAudit(tx, {
          businessId,
          actor: { type: 'customer' },
          entityType: 'contact',
          entityId: c.id,
          action: 'created',
          changes: {
            status: { from: null, to: 'active' },
            channel: { from: null, to: channel },
            phone: { from: null, to: phone.e164 },
            ...(name ? { firstName: { from: null, to: name.firstName } } : {}),
            ...(name?.lastName ? { lastName: { from: null, to: name.lastName } } : {}),
          },
        });
        return c;
      });
      return { contactId: contact.id, status: 'active', created: true, reactivated: false, assignedAgentId: null };
    } catch (e) {
      // Two first messages from one number at once: the other writer created it; take theirs.
      if (isUniqueViolation(e) && attempt < 2) continue;
      throw e;
    }
  }
}

async function fromHolder(db: Database, businessId: string, e164: string): Promise<ResolvedSender | undefined> {
  const holder = await findHolder(db.prisma, businessId, 'phone', e164);
  if (!holder) return undefined;
  if (holder.kind === 'user') throw identifierTaken('phone', holder);
  return resolveContact(db, businessId, holder.contactId!, holder.kind === 'archived_contact');
}

/** An earlier conversation's contact, when it still belongs to the business (an archived one is re-activated). */
async function fromContact(db: Database, businessId: string, contactId: string): Promise<ResolvedSender | undefined> {
  const c = await db.prisma.contact.findFirst({ where: { id: contactId, businessId }, select: { status: true } });
  if (!c) return undefined;
  return resolveContact(db, businessId, contactId, c.status === 'archived');
}

async function resolveContact(
  db: Database,
  businessId: string,
  contactId: string,
  archived: boolean,
): Promise<ResolvedSender> {
  let reactivated = false;
  if (archived) {
    reactivated = await db.prisma.$transaction(async (tx) => {
      const { count } = await tx.contact.updateMany({
        where: { id: contactId, status: 'archived' },
        data: { status: 'active', archivedAt: null },
      });
      if (count === 1) {
        await recordAudit(tx, {
          businessId,
          actor: { type: 'customer' },
          entityType: 'contact',
          entityId: contactId,
          action: 'reactivated',
          changes: { status: { from: 'archived', to: 'active' } },
        });
      }
      return count === 1;
    });
  }
  const contact = await db.prisma.contact.findUniqueOrThrow({
    where: { id: contactId },
    include: { assignedAgent: { select: { id: true, active: true } } },
  });
  return {
    contactId,
    status: contact.status === 'guest' ? 'guest' : 'active',
    created: false,
    reactivated,
    assignedAgentId: contact.assignedAgent?.active ? contact.assignedAgent.id : null,
  };
}

/**
 * A new guest: the contact, its pseudonymous email and the audit entry in one statement on the raw driver (the same
 * CTEs the conversation runtime opens a conversation with: sender-ctes.ts, which write the contact's searchText).
 */
async function createGuest(db: Database, businessId: string, channel: string): Promise<ResolvedSender> {
  for (let attempt = 0; ; attempt++) {
    const params: unknown[] = [];
    const $ = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const sender = senderWithoutPhoneCtes($, { businessId, channel, previous: '(NULL::uuid)', now: new Date() });
    try {
      const [row] = await db.query<{ id: string }>(
        `WITH ${sender.resolve}, used AS (SELECT id AS "contactId" FROM sender), ${sender.write('used')}
         SELECT id::text AS id FROM guest`,
        params,
        { prepare: true },
      );
      if (!row) throw new Error('a guest was not created');
      return { contactId: row.id, status: 'guest', created: true, reactivated: false, assignedAgentId: null };
    } catch (e) {
      // a pseudonymous email collided (1 in 2^40): draw again
      if ((e as { code?: string } | null)?.code === UNIQUE_VIOLATION && attempt < 3) continue;
      throw e;
    }
  }
}

/** PostgreSQL's unique_violation, as the raw driver reports it (pg and PGlite). */
const UNIQUE_VIOLATION = '23505';
