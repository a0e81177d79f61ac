// One CSV record → what it would save, or why it cannot. Pure: the database is consulted later, per batch.
import { normalizeEmail } from '../shared/email.ts';
import { normalizePhone, type PhoneResult } from '../shared/phone.ts';
import { splitAddress } from './address.ts';
import { countryCode } from './countries.ts';
import type { Prepared } from './prepared.ts';
import { TEXT_COLUMNS, type ContactColumn, type Field, type Mapping, type TextField } from './fields.ts';

export interface RowError {
  /** 1-based row as a spreadsheet shows it (header = row 1). */
  row: number;
  column: string | null;
  code: string;
  message: string;
}

export interface RowDraft {
  row: number;
  fields: Partial<Record<ContactColumn, string>>;
  phone?: string;
  email?: string;
  /** Tag names, de-duplicated by their key (lower-cased, trimmed). */
  tags: { name: string; key: string }[];
  agentEmail?: string;
  /** The assigned agent written as a name ("Sam Baker"): lower case, single spaces; matched to a user's name. */
  agentName?: string;
  /** Its contact's text as COPY fields and audit changes, when it creates one on its own (set while reading). */
  prepared?: Prepared;
}

export type RowOutcome =
  | { kind: 'draft'; draft: RowDraft }
  | { kind: 'skipped'; row: number }
  | { kind: 'error'; row: number; errors: RowError[] };

/** How a batch of records is read: the mapping as column indexes, and the country for numbers without +. */
export interface RowPlan {
  columns: { index: number; header: string; field: Field }[];
  country: string;
}

export function planRows(headers: readonly string[], mapping: Mapping, country: string): RowPlan {
  const columns = headers.flatMap((header, index) => {
    const field = mapping[header];
    return field ? [{ index, header, field }] : [];
  });
  return { columns, country: country.toUpperCase() };
}

const MAX_TEXT = 1000;
const MAX_NOTES = 10_000;
const MAX_TAG = 50;

/** Reads back a cell neutralised against formula injection on export: "'+4479…" → "+4479…". */
export const unneutralize = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

/** Google writes several values in one cell: "a ::: b". `cell` is trimmed and not empty. */
const values = (cell: string): string[] =>
  cell.includes(':::')
    ? cell
        .split(':::')
        .map((v) => v.trim())
        .filter((v) => v !== '')
    : [cell];

/** The first of a cell's values (`cell` trimmed and not empty): the cell itself unless it holds several. */
const firstValue = (cell: string) => (cell.includes(':::') ? (values(cell)[0] ?? '') : cell);

// libphonenumber costs ~10 µs a number; identical spellings (same country) get the identical answer from a cache.
const phoneCaches = new Map<string, Map<string, PhoneResult>>();
let cachedPhones = 0;
function phone(raw: string, country: string): PhoneResult {
  let cache = phoneCaches.get(country);
  if (!cache) phoneCaches.set(country, (cache = new Map()));
  let r = cache.get(raw);
  if (!r) {
    if (cachedPhones >= 20_000) {
      for (const c of phoneCaches.values()) c.clear();
      cachedPhones = 0;
    }
    r = normalizePhone(raw, country);
    cache.set(raw, r);
    cachedPhones++;
  }
  return r;
}

export function splitFullName(full: string): { first?: string; last?: string } {
  const s = full.trim().replace(/\s+/g, ' ');
  if (s === '') return {};
  const comma = s.indexOf(',');
  if (comma > 0) return { last: s.slice(0, comma).trim(), first: s.slice(comma + 1).trim() || undefined };
  const space = s.lastIndexOf(' ');
  if (space < 0) return { first: s };
  return { first: s.slice(0, space), last: s.slice(space + 1) };
}

const ADDRESS_COLUMNS = {
  line1: 'addressLine1',
  line2: 'addressLine2',
  city: 'addressCity',
  region: 'addressRegion',
  postalCode: 'addressPostalCode',
  country: 'addressCountry',
} as const satisfies Record<string, ContactColumn>;
const BILLING_COLUMNS = {
  line1: 'billingAddressLine1',
  line2: 'billingAddressLine2',
  city: 'billingAddressCity',
  region: 'billingAddressRegion',
  postalCode: 'billingAddressPostalCode',
  country: 'billingAddressCountry',
} as const satisfies Record<string, ContactColumn>;

/** How an assigned agent's name is matched: lower case, single spaces, composed accents ("Zoë" = "Zoë"). */
export const agentNameKey = (name: string) => name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();

/** The key of an agent's name in the import's agent map (emails contain @; names are prefixed, never colliding). */
export const agentNameLookup = (nameKey: string) => `name:${nameKey}`;

/**
 * Further phone columns ("Home Phone" beside "Mobile"): the phone column's number stays the phone; a valid number
 * of another column becomes the phone when the phone column had none (or none valid), and every other number is
 * kept in notes with its column's name, so nothing the sheet held is lost.
 */
function readOtherPhones(
  draft: RowDraft,
  others: { header: string; text: string }[],
  phoneProblem: { header: string; text: string } | undefined,
  country: string,
): void {
  const kept: string[] = [];
  for (const { header, text } of others) {
    for (const c of values(text)) {
      const r = phone(c, country);
      if (r.ok && r.e164 === draft.phone) continue;
      if (r.ok && !draft.phone) draft.phone = r.e164;
      else kept.push(`${header}: ${r.ok ? r.e164 : c}`);
    }
  }
  // The phone column's number, invalid, is kept too when another column gave the phone.
  if (phoneProblem && draft.phone) kept.unshift(`${phoneProblem.header}: ${phoneProblem.text}`);
  if (kept.length === 0) return;
  const notes = draft.fields.notes;
  draft.fields.notes = notes ? `${notes}\n${kept.join('\n')}` : kept.join('\n');
}

/** Normalises one record. `row` is its spreadsheet row number. */
export function readRow(record: readonly string[], row: number, plan: RowPlan): RowOutcome {
  let empty = true;
  for (const cell of record) {
    if (cell.trim() !== '') {
      empty = false;
      break;
    }
  }
  if (empty) return { kind: 'skipped', row };

  const errors: RowError[] = [];
  const draft: RowDraft = { row, fields: {}, tags: [] };
  const fail = (column: string, code: string, message: string) => errors.push({ row, column, code, message });
  let phoneCell: { header: string; text: string } | undefined;
  let emailCell: { header: string; text: string } | undefined;
  // Rare columns, so the usual row allocates nothing for them.
  let otherPhones: { header: string; text: string }[] | undefined;
  let wholeAddresses: { header: string; text: string; billing: boolean }[] | undefined;
  let country = plan.country;
  let countryFromColumn = false;

  for (const { index, header, field } of plan.columns) {
    const text = unneutralize((record[index] ?? '').trim()).trim();
    if (text === '') continue;
    switch (field) {
      case 'phone':
        phoneCell = { header, text };
        break;
      case 'email':
        emailCell = { header, text };
        break;
      case 'fullName': {
        const { first, last } = splitFullName(firstValue(text));
        if (first && draft.fields.firstName === undefined) draft.fields.firstName = first;
        if (last && draft.fields.lastName === undefined) draft.fields.lastName = last;
        break;
      }
      case 'tags': {
        const seen = new Set(draft.tags.map((t) => t.key));
        for (const part of text.split(/[,;]|:::/)) {
          const name = part.trim().replace(/\s+/g, ' ');
          // Google's system groups ("* myContacts", "* starred") are not tags.
          if (name === '' || name.startsWith('* ')) continue;
          if (name.length > MAX_TAG) {
            fail(header, 'FIELD_TOO_LONG', `the tag "${name.slice(0, 20)}…" is longer than ${MAX_TAG} characters`);
            continue;
          }
          const key = name.toLowerCase();
          if (!seen.has(key)) {
            seen.add(key);
            draft.tags.push({ name, key });
          }
        }
        break;
      }
      case 'assignedAgent': {
        const value = firstValue(text);
        if (!value.includes('@')) {
          draft.agentName = agentNameKey(value);
          break;
        }
        const r = normalizeEmail(value);
        if (r.ok) draft.agentEmail = r.email;
        else fail(header, 'AGENT_INVALID', `the assigned agent must be an agent's email or name: ${r.message}`);
        break;
      }
      case 'otherPhone':
        (otherPhones ??= []).push({ header, text });
        break;
      case 'address':
      case 'billingAddress':
        (wholeAddresses ??= []).push({ header, text, billing: field === 'billingAddress' });
        break;
      default: {
        const column = TEXT_COLUMNS[field as TextField];
        const value = field === 'notes' ? text : firstValue(text);
        const max = field === 'notes' ? MAX_NOTES : MAX_TEXT;
        if (value.length > max) {
          fail(header, 'FIELD_TOO_LONG', `${field} is longer than ${max} characters`);
          break;
        }
        // A full-name column fills only what separate name columns leave empty.
        draft.fields[column] = value;
        if (field === 'address.country') {
          country = countryCode(value) ?? country;
          countryFromColumn = true;
        }
      }
    }
  }
  if (wholeAddresses) {
    for (const { header, text, billing } of wholeAddresses) {
      const value = firstValue(text);
      if (value.length > MAX_TEXT) {
        fail(
          header,
          'FIELD_TOO_LONG',
          `${billing ? 'billingAddress' : 'address'} is longer than ${MAX_TEXT} characters`,
        );
        continue;
      }
      const parts = splitAddress(value) ?? { line1: value };
      const columns = billing ? BILLING_COLUMNS : ADDRESS_COLUMNS;
      for (const [part, column] of Object.entries(columns) as [keyof typeof columns, ContactColumn][]) {
        const v = parts[part];
        if (v !== undefined && draft.fields[column] === undefined) draft.fields[column] = v;
      }
      if (!billing && !countryFromColumn && parts.country) country = countryCode(parts.country) ?? country;
    }
  }

  let phoneProblem: { header: string; text: string; code: string; message: string } | undefined;
  if (phoneCell) {
    const candidates = values(phoneCell.text);
    let first: PhoneResult | undefined;
    for (const c of candidates) {
      const r = phone(c, country);
      first ??= r;
      if (r.ok) {
        draft.phone = r.e164;
        break;
      }
    }
    if (!draft.phone && first && !first.ok) phoneProblem = { ...phoneCell, code: first.code, message: first.message };
  }
  if (otherPhones) readOtherPhones(draft, otherPhones, phoneProblem, country);
  if (phoneProblem && !draft.phone) fail(phoneProblem.header, phoneProblem.code, phoneProblem.message);
  if (draft.fields.notes !== undefined && draft.fields.notes.length > MAX_NOTES) {
    fail('notes', 'FIELD_TOO_LONG', `notes is longer than ${MAX_NOTES} characters`);
  }
  if (emailCell) {
    let first: ReturnType<typeof normalizeEmail> | undefined;
    for (const c of values(emailCell.text)) {
      const r = normalizeEmail(c);
      first ??= r;
      if (r.ok) {
        draft.email = r.email;
        break;
      }
    }
    if (!draft.email && first && !first.ok) fail(emailCell.header, first.code, first.message);
  }
  if (errors.length === 0 && !draft.phone && !draft.email) {
    errors.push({ row, column: null, code: 'IDENTIFIER_MISSING', message: 'the row has neither a phone nor an email' });
  }
  if (errors.length === 0 && !draft.fields.firstName && !draft.fields.lastName) {
    errors.push({ row, column: null, code: 'NAME_MISSING', message: 'the row has neither a first nor a last name' });
  }
  return errors.length > 0 ? { kind: 'error', row, errors } : { kind: 'draft', draft };
}
