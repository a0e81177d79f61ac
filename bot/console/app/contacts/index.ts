// Contacts: the list, a contact's page, the form, and the panel beside a conversation.
export { ContactsPage } from './ContactsPage.tsx';
export { ContactPage } from './ContactPage.tsx';
export { ContactPanel } from './ContactPanel.tsx';
