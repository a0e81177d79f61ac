// Checking a login, and who a token's user is now (active, role) — the HTTP layer signs and verifies tokens.
import type { Database } from '../../prisma/index.ts';
import { normalizeEmail } from '../shared/email.ts';
import { DomainError } from '../shared/errors.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export interface AuthUser {
  userId: string;
  businessId: string;
  role: 'admin' | 'agent';
}

let dummyHash: Promise<string> | undefined;

/**
 * The user with this email and password, or UNAUTHENTICATED (the same message whether the email is unknown, the
 * password wrong or the user deactivated). With `businessId`, only that business's user; without, the email
 * must identify exactly one active user across businesses (else the caller must name the business).
 */
export async function checkLogin(
  db: Database,
  input: { email: string; password: string; businessId?: string | undefined },
): Promise<AuthUser> {
  const refused = new DomainError('UNAUTHENTICATED', 'wrong email or password');
  const email = normalizeEmail(input.email);
  const rows = email.ok
    ? await db.prisma.identifier.findMany({
        where: {
          kind: 'email',
          value: email.email,
          userId: { not: null },
          ...(input.businessId ? { businessId: input.businessId } : {}),
        },
        include: { user: true },
      })
    : [];
  const users = rows.flatMap((r) => (r.user?.active ? [r.user] : []));
  if (users.length > 1) {
    throw new DomainError(
      'VALIDATION_FAILED',
      'this email has logins in several businesses: give businessId',
      'businessId',
    );
  }
  const user = users[0];
  if (!user) {
    // Spend the same time as a real check, so response times do not tell which emails exist.
    await verifyPassword(input.password, await (dummyHash ??= hashPassword('not-a-password')));
    throw refused;
  }
  if (!(await verifyPassword(input.password, user.passwordHash))) throw refused;
  return { userId: user.id, businessId: user.businessId, role: user.role };
}

/** The token's user as they are now: deactivated or moved users lose access at once. */
export async function currentUser(db: Database, userId: string, businessId: string): Promise<AuthUser> {
  const user = await db.prisma.user.findFirst({ where: { id: userId, businessId, active: true } });
  if (!user) throw new DomainError('UNAUTHENTICATED', 'the session is no longer valid: log in again');
  return { userId: user.id, businessId: user.businessId, role: user.role };
}
