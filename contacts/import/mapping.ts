// Header → field: automatic suggestion (synonyms from real exports, then a cautious fuzzy fallback) and the
// validation of a manual mapping. Pure.
import { z } from 'zod';
import { DomainError } from '../shared/errors.ts';
import { FIELDS, REPEATABLE_FIELDS, type Field, type Mapping } from './fields.ts';
import { headerLanguage, wordField, type Language } from './header-words.ts';

/** Case-, space- and punctuation-insensitive key: "E-mail Address" → "emailaddress". */
export const headerKey = (header: string) =>
  header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]/g, '');

const ADDRESS_PREFIXES = ['', 'home', 'mailing', 'address1', 'address', 'contact', 'street'];

// Synonyms per field, as normalised keys, with a rank (higher wins when several columns fit one field).
// Sources: Google Contacts (old and new CSV), Outlook, HubSpot, Salesforce, Mailchimp exports, and Excel habits.
const SYNONYMS: Record<Field, Record<string, number>> = {
  firstName: { firstname: 3, givenname: 3, first: 2, forename: 2, fname: 2, christianname: 1 },
  middleName: { middlename: 3, additionalname: 3, middle: 2, middleinitial: 2 },
  lastName: { lastname: 3, familyname: 3, surname: 3, last: 2, lname: 2 },
  fullName: { name: 3, fullname: 3, contactname: 2, displayname: 2, customername: 2, clientname: 2 },
  email: {
    email: 3,
    emailaddress: 3,
    email1value: 3,
    mail: 2,
    primaryemail: 3,
    emailaddress1: 2,
    personalemail: 2,
    workemail: 1,
    email2address: 0,
    email1: 2,
  },
  phone: {
    mobile: 5,
    mobilephone: 5,
    mobilenumber: 5,
    mobilephonenumber: 5,
    cell: 5,
    cellphone: 5,
    cellular: 5,
    handy: 4,
    whatsapp: 5,
    whatsappnumber: 5,
    phone: 3,
    phonenumber: 3,
    phone1value: 3,
    telephone: 3,
    tel: 2,
    primaryphone: 3,
    homephone: 2,
    businessphone: 1,
    workphone: 1,
    otherphone: 0,
    companymainphone: 0,
  },
  businessName: {
    company: 3,
    companyname: 3,
    businessname: 3,
    organization: 3,
    organisation: 3,
    organizationname: 3,
    organization1name: 3,
    accountname: 2,
    account: 1,
    employer: 1,
  },
  otherPhone: {},
  address: { address: 3, fulladdress: 3, postaladdress: 3, completeaddress: 3, addressformatted: 2 },
  billingAddress: { billingaddress: 3, invoiceaddress: 3, fullbillingaddress: 3 },
  'address.line1': prefixed(['street', 'streetaddress', 'line1', 'addressline1', 'street1', '1street', 'address1'], 3, {
    businessstreet: 1,
    address1street: 3,
  }),
  'address.line2': prefixed(['street2', 'line2', 'addressline2', 'address2', 'extendedaddress'], 3, {
    businessstreet2: 1,
    address1extendedaddress: 3,
  }),
  'address.city': prefixed(['city', 'town', 'locality'], 3, { businesscity: 1 }),
  'address.region': prefixed(['state', 'region', 'province', 'county', 'stateprovince', 'stateregion'], 3, {
    businessstate: 1,
  }),
  'address.postalCode': prefixed(['zip', 'zipcode', 'postcode', 'postalcode', 'zippostalcode', 'postalzipcode'], 3, {
    businesspostalcode: 1,
  }),
  'address.country': prefixed(['country', 'countryregion', 'countrycode', 'nation'], 3, {
    businesscountryregion: 1,
    businesscountry: 1,
  }),
  'billingAddress.line1': billing(['street', 'line1', 'addressline1', 'address1']),
  'billingAddress.line2': billing(['street2', 'line2', 'addressline2', 'address2']),
  'billingAddress.city': billing(['city', 'town']),
  'billingAddress.region': billing(['state', 'region', 'province', 'stateprovince']),
  'billingAddress.postalCode': billing(['zip', 'zipcode', 'postcode', 'postalcode', 'zippostalcode']),
  'billingAddress.country': billing(['country', 'countryregion', 'countrycode']),
  tags: { tags: 3, tag: 3, labels: 3, label: 2, groupmembership: 3, categories: 3, category: 2, groups: 2, lists: 1 },
  notes: { notes: 3, note: 3, comments: 2, comment: 2, description: 2, remarks: 2 },
  assignedAgent: {
    assignedagent: 3,
    agent: 2,
    agentemail: 3,
    assignedto: 2,
    owneremail: 2,
    contactowneremail: 2,
    assignedagentemail: 3,
  },
};

function prefixed(parts: string[], rank: number, extra: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const prefix of ADDRESS_PREFIXES) for (const p of parts) out[prefix + p] = prefix === '' ? rank : rank - 0.5;
  return { ...out, ...extra };
}

function billing(parts: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of parts) {
    out[`billing${p}`] = 3;
    out[`billingaddress${p}`] = 3;
    out[`invoice${p}`] = 2;
  }
  return out;
}

// Headers that name a phone or email but hold something else (Google's "Phone 1 - Type", Salesforce's "Email Opt Out").
const NOT_A_VALUE =
  /(type|label|optout|optin|status|verified|date|consent|bounce|format|permission|unsubscribe|photo|birthday|website|webpage|url|gender|nickname|suffix|prefix|title|department|yomi|phonetic|fax|pager)/;
// Words distinctive enough to find inside a longer header ("Customer E-mail", "Primary Mobile No").
const CONTAINED: [string, Field, number][] = [
  ['mobile', 'phone', 2.5],
  ['cell', 'phone', 2.5],
  ['phone', 'phone', 1.5],
  ['email', 'email', 1.5],
  ['firstname', 'firstName', 1.5],
  ['lastname', 'lastName', 1.5],
  ['surname', 'lastName', 1.5],
  ['postcode', 'address.postalCode', 1],
  ['zipcode', 'address.postalCode', 1],
];

function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

const ENGLISH = new Set(FIELDS.flatMap((f) => Object.keys(SYNONYMS[f])));

/**
 * The field a header most likely means, with a score; undefined when nothing fits well enough. English words first,
 * then the words of `language` (the file's, see headerLanguage), or of every language Baton knows when it is unknown.
 */
export function guessField(header: string, language?: Language): { field: Field; score: number } | undefined {
  const key = headerKey(header);
  if (key === '') return undefined;
  let best: { field: Field; score: number } | undefined;
  const consider = (field: Field, score: number) => {
    if (!best || score > best.score) best = { field, score };
  };
  for (const field of FIELDS) {
    const rank = SYNONYMS[field][key];
    if (rank !== undefined) consider(field, 10 + rank);
  }
  if (best) return best;
  const word = wordField(key, language);
  if (word) return { field: word.field, score: 10 + word.rank };
  if (NOT_A_VALUE.test(key)) return undefined;
  for (const [word, field, rank] of CONTAINED) if (key.includes(word)) consider(field, 5 + rank);
  if (best) return best;
  // Typos: one edit for keys of 5+ characters, two for 9+. Never shorter keys: "tel" ≠ "tag".
  if (key.length < 5) return undefined;
  const allowed = key.length >= 9 ? 2 : 1;
  for (const field of FIELDS) {
    for (const [syn, rank] of Object.entries(SYNONYMS[field])) {
      if (syn.length < 5 || Math.abs(syn.length - key.length) > allowed) continue;
      const d = levenshtein(key, syn);
      if (d <= allowed) consider(field, 1 + rank / 10 - d / 10);
    }
  }
  return best;
}

/**
 * Suggests a mapping: each field goes to the best-scoring column (the first on a tie), every other column is
 * left unmapped. Headers are read in English and in the file's own language (chosen by its words, the business's
 * `country` on a tie). A name column ("name", "Nom", "Naam"…) is the full name alone, the first name beside a
 * last-name column ("name" + "surname"), the last name beside a first-name column ("Vorname" + "Name"). Further
 * phone columns become `otherPhone` (their numbers are kept in notes): the mobile one wins the phone.
 */
export function suggestMapping(headers: readonly string[], options: { country?: string } = {}): Mapping {
  const mapping: Mapping = Object.fromEntries(headers.map((h) => [h, null]));
  const language = headerLanguage(
    headers.map(headerKey).filter((k) => !ENGLISH.has(k)),
    options.country,
  );
  const bestFor = new Map<Field, { header: string; score: number }>();
  const phones: string[] = [];
  for (const header of headers) {
    const guess = guessField(header, language);
    if (!guess) continue;
    if (guess.field === 'phone' || guess.field === 'otherPhone') phones.push(header);
    if (guess.field === 'otherPhone') continue;
    const current = bestFor.get(guess.field);
    if (!current || guess.score > current.score) bestFor.set(guess.field, { header, score: guess.score });
  }
  const full = bestFor.get('fullName');
  if (full) {
    const first = bestFor.has('firstName');
    const last = bestFor.has('lastName');
    if (first && !last) bestFor.set('lastName', full);
    else if (last && !first) bestFor.set('firstName', full);
    if (first || last) bestFor.delete('fullName');
  }
  for (const [field, { header }] of bestFor) mapping[header] = field;
  const phone = bestFor.get('phone')?.header;
  for (const header of phones) if (header !== phone && mapping[header] === null) mapping[header] = 'otherPhone';
  return mapping;
}

const fieldSchema = z.enum(FIELDS, { error: (issue) => `"${String(issue.input)}" is not a field` });

export const mappingSchema = z.record(z.string(), fieldSchema.nullable());

/**
 * Validates a mapping against the file's headers: known headers, known fields, each field at most once, and the
 * minimum (first name, last name, and phone or email). Throws VALIDATION_FAILED saying what is wrong or missing.
 */
export function validateMapping(headers: readonly string[], input: unknown): Mapping {
  const parsed = mappingSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DomainError('VALIDATION_FAILED', `mapping: ${issue.message}`, `mapping.${issue.path.join('.')}`);
  }
  const mapping: Mapping = Object.fromEntries(headers.map((h) => [h, null]));
  const seen = new Map<Field, string>();
  for (const [header, field] of Object.entries(parsed.data)) {
    if (!headers.includes(header)) {
      throw new DomainError('VALIDATION_FAILED', `mapping: the file has no column "${header}"`, 'mapping');
    }
    if (field && !REPEATABLE_FIELDS.includes(field)) {
      const other = seen.get(field);
      if (other !== undefined) {
        throw new DomainError(
          'VALIDATION_FAILED',
          `mapping: columns "${other}" and "${header}" are both mapped to ${field}; map one of them`,
          'mapping',
        );
      }
      seen.set(field, header);
    }
    mapping[header] = field;
  }
  const missing = missingFields(mapping);
  if (missing.length > 0) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `the mapping must include ${missing.join(', ')} before the import can start`,
      'mapping',
      { missing },
    );
  }
  return mapping;
}

/** What a mapping lacks to start an import: first name, last name, and phone or email. */
export function missingFields(mapping: Mapping): string[] {
  const fields = new Set(Object.values(mapping));
  const missing: string[] = [];
  const full = fields.has('fullName');
  if (!fields.has('firstName') && !full) missing.push('firstName');
  if (!fields.has('lastName') && !full) missing.push('lastName');
  if (!fields.has('phone') && !fields.has('email')) missing.push('phone or email');
  return missing;
}
