// Emails: trimmed, lower-cased, validated. Pure: no I/O.
import { z } from 'zod';

/** The reserved domain of guests' pseudonymised emails (RFC 2606 .invalid: it can never be a real one). */
export const GUEST_EMAIL_DOMAIN = 'guest.baton.invalid';

export type EmailResult = { ok: true; email: string } | { ok: false; code: 'EMAIL_INVALID'; message: string };

const emailSchema = z.email();

export function normalizeEmail(input: string): EmailResult {
  const email = input
    .trim()
    .replace(/^mailto:/i, '')
    .toLowerCase();
  if (email === '') return { ok: false, code: 'EMAIL_INVALID', message: 'the email is empty' };
  if (!emailSchema.safeParse(email).success) {
    return { ok: false, code: 'EMAIL_INVALID', message: `"${input.trim()}" is not a valid email address` };
  }
  if (email.endsWith('.invalid')) {
    return { ok: false, code: 'EMAIL_INVALID', message: 'emails on a .invalid domain are reserved' };
  }
  return { ok: true, email };
}

export const isGuestEmail = (email: string) => email.endsWith(`@${GUEST_EMAIL_DOMAIN}`);
