// Public entry of the contacts domain. Knows nothing of bots or channels.
export { DomainError, isDomainError } from './errors.ts';
export type { ErrorCode } from './errors.ts';
export { createBusiness, ensureFirstBusiness, slugify } from './businesses.ts';
export type { NewBusiness } from './businesses.ts';
export { hashPassword, verifyPassword, generatePassword } from './passwords.ts';
