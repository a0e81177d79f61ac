// A contact's search text (Contact.searchText) as the import writes it itself, the way the database's
// contact_search_text() makes it: lower(concat_ws(' ', first, middle, last, business, email)). Pure.
import type { ContactColumn } from './fields.ts';

const SEARCH_COLUMNS = ['firstName', 'middleName', 'lastName', 'businessName'] as const satisfies ContactColumn[];
const BEYOND_ASCII = /[^\p{ASCII}]/u;

/**
 * The text, or null when it holds a character outside ASCII: lower() follows the database's locale there (and
 * JavaScript's toLowerCase differs from it on some letters), so the database computes those (batch-write.ts). On
 * ASCII the two agree once the database lowers A–Z to a–z and nothing else (checked once a run: lowersAsciiPlainly).
 * concat_ws skips nulls but keeps empty strings: so does this.
 */
export function searchTextOf(fields: Record<ContactColumn, string | null>, email: string | null): string | null {
  const parts: string[] = [];
  for (const c of SEARCH_COLUMNS) {
    const v = fields[c];
    if (v !== null && v !== undefined) parts.push(v);
  }
  if (email !== null) parts.push(email);
  const text = parts.join(' ');
  return BEYOND_ASCII.test(text) ? null : text.toLowerCase();
}

/** Every ASCII character: what lowersAsciiPlainly hands the database's lower(). */
export const ALL_ASCII = Array.from({ length: 127 }, (_, i) => String.fromCharCode(i + 1)).join('');
