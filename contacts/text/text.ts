// What a stored text may hold, decided once. PostgreSQL refuses NUL in text (and in jsonb), so a NUL that reached
// the database answered 500; other control characters and unpaired UTF-16 surrogates (which the drivers silently
// turn into U+FFFD) are no text a person wrote either. Pure.
import { z } from 'zod';

// C0 controls but tab, line feed and carriage return; DEL; C1 controls.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// What a one-line text (a name, a search) may not hold on top: tabs and line breaks.
const LINE_BREAK_OR_TAB = /[\t\n\r\u2028\u2029]/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// Any of the above but the line breaks, surrogates paired or not: most texts have none, and one test tells it.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const MAYBE_BAD = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF]/;

export type TextKind = 'line' | 'multiline';

const LINE_PROBLEM = 'must be one line (no tabs or line breaks)';

/** Why a string is no acceptable text, or undefined when it is. */
export function textProblem(value: string, kind: TextKind = 'multiline'): string | undefined {
  if (!MAYBE_BAD.test(value)) return kind === 'line' && LINE_BREAK_OR_TAB.test(value) ? LINE_PROBLEM : undefined;
  const control = CONTROL.exec(value);
  if (control) {
    const code = control[0].charCodeAt(0);
    if (code === 0) return 'must not contain NUL characters (U+0000)';
    return `must not contain control characters (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  }
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text (it holds an unpaired surrogate)';
  if (kind === 'line' && LINE_BREAK_OR_TAB.test(value)) return LINE_PROBLEM;
  return undefined;
}

/** A check to add to any zod string: `z.string().check(noControlCharacters('line'))`. */
export function noControlCharacters(kind: TextKind) {
  return z.superRefine<string>((value, ctx) => {
    const problem = textProblem(value, kind);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
  });
}

/** One line of text (names, titles, searches): trimmed, at most `max` characters, no control characters. */
export const lineText = (max: number) =>
  z.string().trim().max(max, `must be at most ${max} characters`).check(noControlCharacters('line'));

/** Text that may span lines (notes, messages): tabs and line breaks allowed, other control characters not. */
export const multilineText = (max: number) =>
  z.string().trim().max(max, `must be at most ${max} characters`).check(noControlCharacters('multiline'));

/** A string that names a thing (an id, a cursor, an email as typed): no control characters, untrimmed. */
export const plainString = () => z.string().check(noControlCharacters('line'));

/** What cleanText took out of a text, counted (never the text itself: it is a customer's words). */
export interface TextCleaning {
  /** control characters removed: NUL, other C0 controls but tab, line feed and carriage return, DEL, C1 controls */
  controls: number;
  /** unpaired UTF-16 surrogates, each replaced with U+FFFD */
  surrogates: number;
}

const CONTROL_ALL = new RegExp(CONTROL.source, 'g');
const LONE_SURROGATE_ALL = new RegExp(LONE_SURROGATE.source, 'g');

/**
 * A text someone else wrote, made storable rather than refused: for a customer's message arriving on a channel,
 * where a refusal would lose the message (the channel drops what it is refused). Control characters are removed
 * (tab, line feed and carriage return kept) and each unpaired surrogate becomes U+FFFD; `cleaned` counts them, or
 * is undefined when the text was already clean (the same string is returned).
 */
export function cleanText(value: string): { text: string; cleaned?: TextCleaning } {
  if (!MAYBE_BAD.test(value) || (!CONTROL.test(value) && !LONE_SURROGATE.test(value))) return { text: value };
  let controls = 0;
  let surrogates = 0;
  const text = value
    .replace(CONTROL_ALL, () => (controls++, ''))
    .replace(LONE_SURROGATE_ALL, () => (surrogates++, '\uFFFD'));
  return { text, cleaned: { controls, surrogates } };
}

/** The first `max` UTF-16 units of a text, one fewer when the cut would split a surrogate pair. */
export function cutText(value: string, max: number): string {
  if (value.length <= max) return value;
  const code = value.charCodeAt(max - 1);
  return value.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** A key shown in an error: its control characters and surrogates as U+FFFD. */
const printable = (key: string) => key.replace(new RegExp(`${CONTROL.source}|${LONE_SURROGATE.source}`, 'g'), '\uFFFD');

/**
 * The first string in a parsed JSON value (object keys included) that is no acceptable text, with its path
 * ("address.city", "tagIds.2"). Tabs and line breaks pass: which fields are one line is each schema's business.
 */
export function findBadText(value: unknown, path: string[] = []): { field: string; message: string } | undefined {
  if (typeof value === 'string') {
    const problem = textProblem(value, 'multiline');
    return problem ? { field: path.join('.'), message: problem } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, inner] of entries) {
    const keyProblem = textProblem(key, 'multiline');
    if (keyProblem) return { field: [...path, printable(key)].join('.'), message: `field name ${keyProblem}` };
    const found = findBadText(inner, [...path, key]);
    if (found) return found;
  }
  return undefined;
}
