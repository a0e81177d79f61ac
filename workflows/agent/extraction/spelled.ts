// Turns what people type into something a parser can read: folds case and accents, rewrites spelled-out emails
// ("jo dot bloggs at gmail dot com", "jo[at]gmail.com") and digits written as words ("oh seven nine one one",
// "double one", "cero seis"). Pure: no I/O.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** IANA's list of top-level domains (the `tlds` package), to tell "gmail.com" from "jo.bloggs" or "gmail.con" */
const TLDS = new Set<string>((require('tlds') as string[]).map((t) => t.toLowerCase()));

export const isKnownTld = (tld: string) => TLDS.has(tld.toLowerCase());

// the last text folded: the offline agent folds a customer's message once for each thing it looks for in it
let lastText: string | undefined;
let lastFolded = '';

/** lower-case, accents removed, unusual spaces and dashes made plain */
export function fold(text: string): string {
  if (text === lastText) return lastFolded;
  lastFolded = foldText(text);
  lastText = text;
  return lastFolded;
}

function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\u00a0\u2000-\u200b\u202f\u205f\u3000]/g, ' ')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u2018\u2019\u00b4`]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\uff20/g, '@');
}

const DIGIT_WORDS: Record<string, string> = {
  zero: '0',
  oh: '0',
  o: '0',
  nought: '0',
  nil: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  cero: '0',
  uno: '1',
  dos: '2',
  tres: '3',
  cuatro: '4',
  cinco: '5',
  seis: '6',
  siete: '7',
  ocho: '8',
  nueve: '9',
};
const REPEAT: Record<string, number> = { double: 2, triple: 3, doble: 2 };
/** words that are digits only inside a run of digits ("o" and "oh" are also ordinary words) */
const WEAK = new Set(['o', 'oh', 'nil', 'uno']);

/**
 * Replaces runs of digit words (at least four digits, at least one of them a word) with digits:
 * "oh seven nine one one, one two three" → "07911, 123". Digits already written stay as they are.
 */
export function digitsFromWords(text: string): string {
  const tokens = [...text.matchAll(/[a-z]+|\d+|\+/g)];
  let out = '';
  let last = 0;
  let i = 0;
  while (i < tokens.length) {
    // collect a run of digit tokens whose gaps are only spaces, commas or dashes
    let j = i;
    let digits = '';
    let words = 0;
    let strong = 0;
    let pendingRepeat = 1;
    while (j < tokens.length) {
      const tok = tokens[j]!;
      const word = tok[0];
      if (j > i) {
        const prev = tokens[j - 1]!;
        const gap = text.slice(prev.index + prev[0].length, tok.index);
        if (!/^[\s,.-]{0,3}$/.test(gap) || /[,.][\s]*[,.]/.test(gap)) break;
      }
      if ((word === '+' || word === 'plus' || word === 'mas') && j === i) {
        digits += '+';
      } else if (/^\d+$/.test(word)) {
        if (pendingRepeat > 1 && word.length === 1) digits += word.repeat(pendingRepeat);
        else digits += word;
        pendingRepeat = 1;
      } else if (word in REPEAT) {
        pendingRepeat = REPEAT[word]!;
      } else if (word in DIGIT_WORDS) {
        digits += DIGIT_WORDS[word]!.repeat(pendingRepeat);
        pendingRepeat = 1;
        words++;
        if (!WEAK.has(word)) strong++;
      } else break;
      j++;
    }
    const count = digits.replace(/\D/g, '').length;
    if (words > 0 && strong > 0 && count >= 4 && j > i) {
      const start = tokens[i]!.index;
      const endTok = tokens[j - 1]!;
      out += text.slice(last, start) + ` ${digits} `;
      last = endTok.index + endTok[0].length;
      i = j;
    } else i++;
  }
  return out + text.slice(last);
}

const LOCAL = /[a-z0-9._%+-]+$/;
const DOMAIN = /^[a-z0-9-]+(?:\.[a-z0-9-]+)+(?![a-z0-9@_%+-])/;
const NOT_A_LOCAL_PART = new Set([
  'me',
  'us',
  'is',
  'it',
  'email',
  'mail',
  'e-mail',
  'reach',
  'here',
  'there',
  'write',
  'es',
]);

/** "jo dot bloggs at gmail dot com", "jo[at]gmail(dot)com", "jo @ gmail.com", "jo arroba gmail punto com" → jo.bloggs@gmail.com */
export function emailsFromWords(text: string): string {
  let t = text
    .replace(/\s*[[({<]\s*(?:at|arroba|@)\s*[\])}>]\s*/g, '@')
    .replace(/\s*[[({<]\s*(?:dot|punto|\.)\s*[\])}>]\s*/g, '.')
    .replace(/(?<=[a-z0-9])\s+(?:dot|punto)\s+(?=[a-z0-9])/g, '.')
    .replace(/(?<=[a-z0-9])\s+(?:underscore|guion bajo|barra baja)\s+(?=[a-z0-9])/g, '_')
    .replace(/(?<=[a-z0-9])\s+(?:dash|hyphen|guion)\s+(?=[a-z0-9])/g, '-')
    .replace(/(?<=[a-z0-9._-])\s*@\s*(?=[a-z0-9-]+\.)/g, '@');
  // " at " / " arroba " between a local part and a domain with a real top-level domain
  const at = /\s+(?:at|arroba)\s+/g;
  let m: RegExpExecArray | null;
  while ((m = at.exec(t)) !== null) {
    const left = LOCAL.exec(t.slice(0, m.index))?.[0];
    const right = DOMAIN.exec(t.slice(m.index + m[0].length))?.[0];
    if (!left || !right || NOT_A_LOCAL_PART.has(left)) continue;
    if (!isKnownTld(right.split('.').pop()!)) continue;
    t = t.slice(0, m.index) + '@' + t.slice(m.index + m[0].length);
    at.lastIndex = m.index + 1;
  }
  // "alex at gmail" with no ending: made an email-like "alex@gmail", which is then reported as incomplete
  t = t.replace(
    /(?<=[a-z0-9._-])\s+(?:at|arroba)\s+(gmail|googlemail|hotmail|yahoo|outlook|icloud|aol|live|btinternet|protonmail|proton|gmx)\b(?!\.)/g,
    '@$1',
  );
  return t;
}
