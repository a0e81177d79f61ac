// Users of a business (agents and admins): admins add, edit and deactivate them. A user's email (the login) and
// phone follow the same identifier rule as contacts'. A business always keeps at least one active admin.
import { z } from 'zod';
import { lineText, plainString } from '../text/index.ts';
import type { Database } from '../../prisma/index.ts';
import type { Actor } from '../shared/actor.ts';
import { diff, recordAudit } from '../audit/index.ts';
import { normalizeIdentifiers } from '../contacts/index.ts';
import { normalizeEmail } from '../shared/email.ts';
import { DomainError } from '../shared/errors.ts';
import { explainUniqueViolation, setIdentifier } from '../contacts/identifiers.ts';
import { hashPassword } from './passwords.ts';
import { isUniqueViolation, type Tx } from '../shared/tx.ts';
import { parseOrThrow } from '../shared/validation.ts';
import { identifierValue } from '../contacts/identifier-value.ts';

export interface UserView {
  id: string;
  role: 'admin' | 'agent';
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  active: boolean;
}

const name = lineText(100).min(1, 'must not be empty');
const password = z.string().min(10, 'must be at least 10 characters').max(200, 'must be at most 200 characters');

export const newUserSchema = z.object({
  role: z.enum(['admin', 'agent'], { error: 'must be admin or agent' }),
  firstName: name,
  lastName: lineText(100).default(''),
  email: plainString().min(1, 'is required (it is the login)').max(320),
  phone: plainString().max(50).nullable().optional(),
  password,
});
export type NewUser = z.input<typeof newUserSchema>;

export const userPatchSchema = z.object({
  role: z.enum(['admin', 'agent'], { error: 'must be admin or agent' }).optional(),
  firstName: name.optional(),
  lastName: lineText(100).optional(),
  email: plainString().min(1, 'is required (it is the login)').max(320).optional(),
  phone: plainString().max(50).nullable().optional(),
  password: password.optional(),
  active: z.boolean().optional(),
});
export type UserPatch = z.input<typeof userPatchSchema>;

const include = { identifiers: true } as const;

function toView(u: {
  id: string;
  role: 'admin' | 'agent';
  firstName: string;
  lastName: string;
  active: boolean;
  identifiers: { kind: string; value: string }[];
}): UserView {
  return {
    id: u.id,
    role: u.role,
    firstName: u.firstName,
    lastName: u.lastName,
    email: identifierValue(u.identifiers, 'email'),
    phone: identifierValue(u.identifiers, 'phone'),
    active: u.active,
  };
}

export async function listUsers(db: Database, businessId: string): Promise<UserView[]> {
  const users = await db.prisma.user.findMany({
    where: { businessId },
    include,
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return users.map(toView);
}

export async function getUser(db: Database, businessId: string, userId: string): Promise<UserView> {
  const u = z.uuid().safeParse(userId).success
    ? await db.prisma.user.findFirst({ where: { id: userId, businessId }, include })
    : null;
  if (!u) throw new DomainError('NOT_FOUND', 'no such user');
  return toView(u);
}

/** The business's user whose login is this email (any spelling of it), or NOT_FOUND naming the email. */
export async function findUserByEmail(db: Database, businessId: string, email: string): Promise<UserView> {
  const normalized = normalizeEmail(email);
  if (!normalized.ok) throw new DomainError('VALIDATION_FAILED', `email: ${normalized.message}`, 'email');
  const row = await db.prisma.identifier.findFirst({
    where: { businessId, kind: 'email', value: normalized.email, userId: { not: null } },
    include: { user: { include } },
  });
  if (!row?.user) throw new DomainError('NOT_FOUND', `no user with the email ${normalized.email}`, 'email');
  return toView(row.user);
}

async function country(db: Database, businessId: string) {
  const b = await db.prisma.business.findUnique({ where: { id: businessId } });
  if (!b) throw new DomainError('NOT_FOUND', 'no such business');
  return b.country;
}

async function transact<T>(
  db: Database,
  businessId: string,
  ids: { phone?: string | null; email?: string | null },
  self: { userId?: string },
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  try {
    return await db.prisma.$transaction(fn);
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    throw (
      (await explainUniqueViolation(
        db.prisma,
        businessId,
        [
          { kind: 'email', value: ids.email },
          { kind: 'phone', value: ids.phone },
        ],
        self,
      )) ?? e
    );
  }
}

export async function createUser(db: Database, businessId: string, input: NewUser, actor: Actor): Promise<UserView> {
  const data = parseOrThrow(newUserSchema, input);
  const ids = normalizeIdentifiers(await country(db, businessId), data);
  if (!ids.email) throw new DomainError('VALIDATION_FAILED', 'email: is required (it is the login)', 'email');
  const passwordHash = await hashPassword(data.password);
  const id = await transact(db, businessId, ids, {}, async (tx) => {
    const u = await tx.user.create({
      data: { businessId, role: data.role, firstName: data.firstName, lastName: data.lastName, passwordHash },
    });
    await setIdentifier(tx, businessId, { userId: u.id }, 'email', ids.email);
    await setIdentifier(tx, businessId, { userId: u.id }, 'phone', ids.phone ?? undefined);
    await recordAudit(tx, {
      businessId,
      actor,
      entityType: 'user',
      entityId: u.id,
      action: 'created',
      changes: diff(
        {},
        {
          role: data.role,
          firstName: data.firstName,
          lastName: data.lastName,
          email: ids.email,
          phone: ids.phone ?? undefined,
        },
      ),
    });
    return u.id;
  });
  return getUser(db, businessId, id);
}

export async function updateUser(
  db: Database,
  businessId: string,
  userId: string,
  patch: UserPatch,
  actor: Actor,
): Promise<UserView> {
  const data = parseOrThrow(userPatchSchema, patch);
  const before = await getUser(db, businessId, userId);
  const ids = normalizeIdentifiers(await country(db, businessId), data);
  if (ids.email === null) throw new DomainError('VALIDATION_FAILED', 'email: is required (it is the login)', 'email');
  const passwordHash = data.password ? await hashPassword(data.password) : undefined;
  await transact(db, businessId, ids, { userId }, async (tx) => {
    await setIdentifier(tx, businessId, { userId }, 'email', ids.email);
    await setIdentifier(tx, businessId, { userId }, 'phone', ids.phone);
    const columns = {
      ...(data.role ? { role: data.role } : {}),
      ...(data.firstName !== undefined ? { firstName: data.firstName } : {}),
      ...(data.lastName !== undefined ? { lastName: data.lastName } : {}),
      ...(data.active !== undefined ? { active: data.active } : {}),
    };
    await tx.user.update({ where: { id: userId }, data: { ...columns, ...(passwordHash ? { passwordHash } : {}) } });
    const admins = await tx.user.count({ where: { businessId, role: 'admin', active: true } });
    if (admins === 0)
      throw new DomainError(
        'CONFLICT',
        'the business needs at least one active admin',
        data.active === false ? 'active' : 'role',
      );
    const changes = diff(before as unknown as Record<string, unknown>, { ...columns, ...ids });
    if (passwordHash) changes.password = { from: '(hidden)', to: '(changed)' };
    if (Object.keys(changes).length) {
      await recordAudit(tx, { businessId, actor, entityType: 'user', entityId: userId, action: 'updated', changes });
    }
  });
  return getUser(db, businessId, userId);
}

/** Active users one can assign a contact to: id and name only (agents may see this much, not emails or phones). */
export async function listAssignableAgents(db: Database, businessId: string) {
  const users = await db.prisma.user.findMany({
    where: { businessId, active: true },
    orderBy: [{ firstName: 'asc' }, { lastName: 'asc' }, { id: 'asc' }],
  });
  return users.map((u) => ({ id: u.id, name: `${u.firstName} ${u.lastName}`.trim(), role: u.role }));
}
