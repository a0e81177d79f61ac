// Contacts: creating and editing them, their identifiers (email, phone), guests from channels, the details
// a conversation captures, merging, and the list and card views.
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
export { resolveInboundSender } from './resolve-inbound-sender.ts';
export type { InboundSender, ResolvedSender } from './resolve-inbound-sender.ts';
export { senderWithoutPhoneCtes } from './sender-ctes.ts';
export type { SenderCtes, SqlParam } from './sender-ctes.ts';
export { saveContactDetails } from './details.ts';
export type { ContactDetails, SavedDetails } from './details.ts';
export { getContactCard, listContacts, listContactsQuery, displayName } from './queries.ts';
export type { ContactCard, ContactPage, ListContactsQuery } from './queries.ts';
export { guestPseudonym, splitProfileName } from './guests.ts';
