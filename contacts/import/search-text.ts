// A contact's search text (Contact.searchText) as the import writes it itself, the way the database's
// contact_search_text() makes it: lower(concat_ws(' ', first, middle, last, business, email)). Pure.
import type { ContactColumn } from './fields.ts';

const SEARCH_COLUMNS = ['firstName', 'middleName', 'lastName', 'businessName'] as const satisfies ContactColumn[];

/** Characters below this code are asked about (ASCII, Latin-1 and Latin Extended-A and B: most names' letters). */
const PROBED_BELOW = 0x250;
/**
 * The characters whose lower case is asked of the database once a run: U+0001 to U+024F, but İ (U+0130), which
 * JavaScript lowers to two characters.
 */
export const PROBED: readonly string[] = Array.from({ length: PROBED_BELOW - 1 }, (_, i) =>
  String.fromCharCode(i + 1),
).filter((c) => c !== '\u0130');

/**
 * Which characters JavaScript's toLowerCase lowers exactly as the database's lower() does: a table by character code
 * (1: the same), from the database's answers for PROBED. lower() follows the database's locale (a "C" locale lowers
 * A–Z alone, a Turkish one lowers I to ı), so agreement is asked, never assumed.
 */
export type Lowering = Uint8Array;

/** The table from the database's lower() of each of PROBED, in order; null when some ASCII character differs. */
export function loweringFrom(lowered: readonly string[]): Lowering | null {
  const table = new Uint8Array(PROBED_BELOW);
  for (let i = 0; i < PROBED.length; i++) {
    const c = PROBED[i]!;
    const same = lowered[i] === c.toLowerCase();
    if (!same && c.charCodeAt(0) < 0x80) return null;
    if (same) table[c.charCodeAt(0)] = 1;
  }
  return table;
}

/**
 * The text, or null when it holds a character whose lowering the database was not found to share (`lowering`): the
 * database computes those (batch-write.ts). Each character is lowered alone by both (libc and the builtin provider
 * map character by character; the contextual rules, Greek final sigma and the Lithuanian and Turkish dots, concern
 * characters outside the table or not agreed). concat_ws skips nulls but keeps empty strings: so does this.
 */
export function searchTextOf(
  fields: Record<ContactColumn, string | null>,
  email: string | null,
  lowering: Lowering,
): string | null {
  const parts: string[] = [];
  for (const c of SEARCH_COLUMNS) {
    const v = fields[c];
    if (v !== null && v !== undefined) parts.push(v);
  }
  if (email !== null) parts.push(email);
  const text = parts.join(' ');
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= PROBED_BELOW || lowering[code] !== 1) return null;
  }
  return text.toLowerCase();
}
