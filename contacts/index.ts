// Public entry of the contacts domain. Knows nothing of bots or channels.
export { DomainError, isDomainError } from './errors.ts';
export type { ErrorCode } from './errors.ts';
export { createBusiness, ensureFirstBusiness, slugify } from './businesses.ts';
export type { NewBusiness } from './businesses.ts';
export { hashPassword, verifyPassword, generatePassword } from './passwords.ts';
export { normalizePhone } from './phone.ts';
export type { PhoneResult, PhoneProblem, PhoneType } from './phone.ts';
export { normalizeEmail, isGuestEmail, GUEST_EMAIL_DOMAIN } from './email.ts';
export type { EmailResult } from './email.ts';
