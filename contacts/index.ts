// Public entry of the contacts domain. Knows nothing of bots or channels.
export { DomainError, isDomainError } from './shared/errors.ts';
export type { ErrorCode } from './shared/errors.ts';
export {
  createBusiness,
  ensureFirstBusiness,
  slugify,
  getBusiness,
  getDefaultBusiness,
  updateBusiness,
  businessSettingsSchema,
} from './business/businesses.ts';
export type { NewBusiness, BusinessView, BusinessSettings } from './business/businesses.ts';
export { hashPassword, verifyPassword, generatePassword } from './team/passwords.ts';
export { normalizePhone } from './shared/phone.ts';
export type { PhoneResult, PhoneProblem, PhoneType } from './shared/phone.ts';
export { normalizeEmail, isGuestEmail, GUEST_EMAIL_DOMAIN } from './shared/email.ts';
export type { EmailResult } from './shared/email.ts';
export type { Actor } from './shared/actor.ts';
export { resolveInboundSender } from './contacts/inbound.ts';
export type { InboundSender, ResolvedSender } from './contacts/inbound.ts';
export { saveContactDetails } from './contacts/details.ts';
export type { ContactDetails, SavedDetails } from './contacts/details.ts';
export { getContactCard, listContacts, listContactsQuery, displayName } from './contacts/queries.ts';
export type { ContactCard, ContactPage, ListContactsQuery } from './contacts/queries.ts';
export { guestPseudonym, splitProfileName } from './contacts/guests.ts';
export { validationError } from './shared/validation.ts';
export { checkLogin, currentUser } from './team/sessions.ts';
export type { AuthUser } from './team/sessions.ts';
export * from './import/index.ts';
export * from './export/index.ts';
export {
  createContact,
  updateContact,
  archiveContact,
  restoreContact,
  setContactTags,
  assignContact,
  getContactAudit,
  normalizeIdentifiers,
} from './contacts/contacts.ts';
export { contactPatchSchema, newContactSchema, addressSchema } from './contacts/contact-fields.ts';
export type { ContactPatch, NewContact, Address } from './contacts/contact-fields.ts';
export { listTags, createTag, renameTag, deleteTag, tagNameSchema } from './tags/tags.ts';
export type { TagView } from './tags/tags.ts';
export {
  listUsers,
  getUser,
  createUser,
  updateUser,
  newUserSchema,
  userPatchSchema,
  listAssignableAgents,
} from './team/users.ts';
export type { UserView, NewUser, UserPatch } from './team/users.ts';
export { actorSchema } from './shared/actor.ts';
