// What every feature of contacts/ shares: coded errors, input validation, phones, emails and who acts.
export { DomainError, isDomainError } from './errors.ts';
export type { ErrorCode } from './errors.ts';
export { normalizePhone } from './phone.ts';
export type { PhoneResult, PhoneProblem, PhoneType } from './phone.ts';
export { normalizeEmail, isGuestEmail, GUEST_EMAIL_DOMAIN } from './email.ts';
export type { EmailResult } from './email.ts';
export { validationError } from './validation.ts';
export { actorSchema } from './actor.ts';
export type { Actor } from './actor.ts';
