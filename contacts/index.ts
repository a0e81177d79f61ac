// Public entry of the contacts domain. Knows nothing of bots or channels.
export { DomainError, isDomainError } from './errors.ts';
export type { ErrorCode } from './errors.ts';
export {
  createBusiness,
  ensureFirstBusiness,
  slugify,
  getBusiness,
  getDefaultBusiness,
  updateBusiness,
  businessSettingsSchema,
} from './businesses.ts';
export type { NewBusiness, BusinessView, BusinessSettings } from './businesses.ts';
export { hashPassword, verifyPassword, generatePassword } from './passwords.ts';
export { normalizePhone } from './phone.ts';
export type { PhoneResult, PhoneProblem, PhoneType } from './phone.ts';
export { normalizeEmail, isGuestEmail, GUEST_EMAIL_DOMAIN } from './email.ts';
export type { EmailResult } from './email.ts';
export type { Actor } from './actor.ts';
export { resolveInboundSender } from './inbound.ts';
export type { InboundSender, ResolvedSender } from './inbound.ts';
export { saveContactDetails } from './details.ts';
export type { ContactDetails, SavedDetails } from './details.ts';
export { getContactCard, listContacts, listContactsQuery, displayName } from './queries.ts';
export type { ContactCard, ContactPage, ListContactsQuery } from './queries.ts';
export { guestPseudonym, splitProfileName } from './guests.ts';
export { validationError } from './validation.ts';
export { checkLogin, currentUser } from './sessions.ts';
export type { AuthUser } from './sessions.ts';
export * from './import/index.ts';
export * from './csv/index.ts';
export {
  createContact,
  updateContact,
  archiveContact,
  restoreContact,
  setContactTags,
  assignContact,
  getContactAudit,
  normalizeIdentifiers,
} from './contacts.ts';
export { contactPatchSchema, newContactSchema, addressSchema } from './contact-fields.ts';
export type { ContactPatch, NewContact, Address } from './contact-fields.ts';
export { listTags, createTag, renameTag, deleteTag, tagNameSchema } from './tags.ts';
export type { TagView } from './tags.ts';
export {
  listUsers,
  getUser,
  createUser,
  updateUser,
  newUserSchema,
  userPatchSchema,
  listAssignableAgents,
  findUserByEmail,
} from './users.ts';
export type { UserView, NewUser, UserPatch } from './users.ts';
export { actorSchema } from './actor.ts';
export { findBadText, lineText, multilineText, noControlCharacters, plainString, textProblem } from './text/index.ts';
export type { TextKind } from './text/index.ts';
