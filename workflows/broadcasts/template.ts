// A broadcast's text with placeholders for the contact's fields: "Hi {{firstName|there}}, …".
// `{{field}}` is replaced by the contact's value; `{{field|fallback}}` uses the fallback when the value is empty.
// Pure: parsed once when the broadcast is written (an unknown field is refused, naming it), rendered per recipient.
import { DomainError } from '../../contacts/index.ts';

export const PLACEHOLDER_FIELDS = [
  'firstName',
  'middleName',
  'lastName',
  'fullName',
  'businessName',
  'email',
  'phone',
] as const;
export type PlaceholderField = (typeof PLACEHOLDER_FIELDS)[number];
export type RecipientFields = Partial<Record<PlaceholderField, string | null>>;

type Part = string | { field: PlaceholderField; fallback: string };

const PLACEHOLDER = /\{\{\s*([^{}|]*?)\s*(?:\|([^{}]*))?\}\}/g;

/** The template's parts; VALIDATION_FAILED naming `message` for an unknown field. */
export function parseTemplate(text: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? '';
    if (!(PLACEHOLDER_FIELDS as readonly string[]).includes(name)) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `message: {{${name}}} is not a field; use one of ${PLACEHOLDER_FIELDS.map((f) => `{{${f}}}`).join(', ')}`,
        'message',
      );
    }
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push({ field: name as PlaceholderField, fallback: (m[2] ?? '').trim() });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** The text one recipient gets. Whitespace left by an empty value without fallback ("Hi ,") is tidied. */
export function renderTemplate(parts: Part[], fields: RecipientFields): string {
  const full =
    fields.fullName ?? ([fields.firstName, fields.middleName, fields.lastName].filter(Boolean).join(' ') || null);
  const values: RecipientFields = { ...fields, fullName: full };
  const text = parts
    .map((p) => (typeof p === 'string' ? p : values[p.field]?.trim() || p.fallback))
    .join('')
    .replace(/[ \t]+([,.!?;:])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
  return text;
}

export const renderBroadcast = (template: string, fields: RecipientFields) =>
  renderTemplate(parseTemplate(template), fields);
