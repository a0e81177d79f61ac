// Checking a login, and who a token's user is now (active, role) — the HTTP layer signs and verifies tokens.
import { createHash } from 'node:crypto';
import type { Database } from '../../prisma/index.ts';
import { normalizeEmail } from '../shared/email.ts';
import { DomainError } from '../shared/errors.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export interface AuthUser {
  userId: string;
  businessId: string;
  role: 'admin' | 'agent';
}

/** A logged-in user and the stamp of the password they logged in with (carried in their token). */
export interface LoginUser extends AuthUser {
  credential: string;
}

/**
 * A short stamp of the user's current password hash. A token carries the stamp of the password it was issued for,
 * so setting a new password ends every token issued before (the hash is salted anew on every change). The stamp
 * reveals nothing usable: 64 bits of a SHA-256 of an scrypt hash.
 */
export function credentialStamp(passwordHash: string): string {
  return createHash('sha256').update(passwordHash).digest('base64url').slice(0, 11);
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
): Promise<LoginUser> {
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
  return {
    userId: user.id,
    businessId: user.businessId,
    role: user.role,
    credential: credentialStamp(user.passwordHash),
  };
}

/**
 * The token's user as they are now: deactivated or moved users lose access at once, and so does every token issued
 * before the user's password was last set (`credential`: the stamp the token carries).
 */
export async function currentUser(
  db: Database,
  userId: string,
  businessId: string,
  credential: string,
): Promise<AuthUser> {
  const user = await db.prisma.user.findFirst({ where: { id: userId, businessId, active: true } });
  if (!user || credentialStamp(user.passwordHash) !== credential) {
    throw new DomainError('UNAUTHENTICATED', 'the session is no longer valid: log in again');
  }
  return { userId: user.id, businessId: user.businessId, role: user.role };
}
