// Phone candidates in a (folded, digits-from-words) reply: runs of digit groups are cut into the longest valid
// numbers (libphonenumber-js max metadata through contacts' normalizePhone), read in the hinted countries first and
// then in the business's country. Dates, times, prices and extensions are blanked out first. Pure.
import { normalizePhone, type PhoneType } from '../../../contacts/index.ts';
import type { Span } from './context.ts';

export interface PhoneCandidate {
  start: number;
  end: number;
  raw: string;
  /** E.164, when valid */
  e164?: string;
  type?: PhoneType;
  /** why not valid (for numbers of phone length) */
  reason?: string;
  /** a short group of digits (2–5): only useful as a correction of the end of the number before */
  fragment?: boolean;
}

/** replaces each match by as many spaces, so positions stay aligned with the original text */
function blank(text: string, pattern: RegExp): string {
  return text.replace(pattern, (m) => ' '.repeat(m.length));
}

export function blankSpans(text: string, spans: Span[]): string {
  let t = text;
  for (const s of spans) t = t.slice(0, s.start) + ' '.repeat(s.end - s.start) + t.slice(s.end);
  return t;
}

/** text with everything that looks like a number but is not a phone blanked out */
export function withoutNonPhones(text: string): string {
  let t = text;
  t = blank(t, /\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b/g); // dates
  t = blank(t, /\b\d{1,2}(?::|h)\d{2}\b/g); // times
  t = blank(t, /[£$€]\s?\d[\d,.]*\d?(?:\s?[km]\b)?/g); // prices before
  t = blank(t, /\b\d[\d,.]*\s?(?:€|eur|euros?|gbp|pounds?|quid|usd|dollars?|pence|libras?|dolares)\b/g); // prices after
  t = blank(t, /(?<=\d)\s*,?\s*(?:ext|extn|extension|x|int|interno)\.?\s*:?\s*#?\d{1,6}\b/g); // extensions
  t = blank(t, /\(\s*0\s*\)/g); // "+44 (0) 7911"
  return t;
}

// Country names and adjectives in English and the languages of Baton's businesses (Spanish, German, French, Italian,
// Portuguese, Dutch), folded: lower-case and without accents ("österreich" → "osterreich", "français" → "francais").
const COUNTRY_WORDS: [RegExp, string][] = [
  [
    /\b(spain|spanish|espana|espanol|espanola|spanien|spanisch\w*|espagne|espagnol\w*|spagna|spagnol[oa]|espanha|espanhol\w*|spanje|spaans\w*)\b/,
    'ES',
  ],
  [
    /\b(uk|u\.k\.|united kingdom|britain|british|england|scotland|wales|reino unido|ingles|inglesa|inglaterra|gro(ss|ß)britannien|englisch\w*|britisch\w*|royaume-uni|angleterre|anglais\w*|regno unito|inghilterra|inglese|verenigd koninkrijk|engeland|engelse|brits\w*)\b/,
    'GB',
  ],
  [
    /\b(usa|u\.s\.a?\.?|the us|us (number|cell|mobile|phone)|united states|american|the states|estados unidos|eeuu|americano|vereinigte staaten|amerikanisch\w*|etats-unis|americain\w*|stati uniti|americano|estados unidos|verenigde staten|amerikaans\w*)\b/,
    'US',
  ],
  [
    /\b(france|french|francia|frances|francesa|frankreich|franzosisch\w*|francais\w*|francese|franca|frankrijk|franse)\b/,
    'FR',
  ],
  [
    /\b(germany|german|alemania|aleman|alemana|deutschland|deutsch\w*|allemagne|allemand\w*|germania|tedesc[oa]|alemanha|alema|alemao|duitsland|duitse?)\b/,
    'DE',
  ],
  [/\b(austria|austrian|osterreich|oesterreich|osterreichisch\w*|autriche|autrichien\w*|oostenrijk\w*)\b/, 'AT'],
  [/\b(switzerland|swiss|suiza|schweiz\w*|suisse|svizzera|svizzer[oa]|suica|zwitserland|zwitserse)\b/, 'CH'],
  [/\b(belgium|belgian|belgica|belgien|belgisch\w*|belgique|belge|belgio|belga|belgie)\b/, 'BE'],
  [/\b(italy|italian|italia|italiano|italiana|italien\w*|italie|italiaans\w*)\b/, 'IT'],
  [/\b(portugal|portuguese|portugues|portuguesa|portugiesisch\w*|portugais\w*|portoghese|portugees|portugese)\b/, 'PT'],
  [/\b(ireland|irish|irlanda|irlandes|irland|irlande|ierland)\b/, 'IE'],
  [/\b(mexico|mexican|mexicano|mexicana)\b/, 'MX'],
  [
    /\b(netherlands|dutch|holland|holanda|holandes\w*|niederlande|niederlandisch\w*|hollandisch\w*|pays-bas|neerlandais\w*|hollandais\w*|paesi bassi|olanda|olandese|paises baixos|nederland|nederlands\w*|hollands\w*)\b/,
    'NL',
  ],
  [/\b(canada|canadian|canadiense)\b/, 'CA'],
  [/\b(australia|australian|australiano)\b/, 'AU'],
  [/\b(argentina|argentine|argentino)\b/, 'AR'],
  [/\b(colombia|colombian|colombiano)\b/, 'CO'],
];

/** the countries a (folded) text names: "I'm in Spain", "numéro français", "deutsche Nummer" */
export const countriesNamed = (text: string) => COUNTRY_WORDS.filter(([re]) => re.test(text)).map(([, c]) => c);

export interface PhoneHints {
  /** countries named in the reply ("I'm in Spain", "número francés") */
  countries: string[];
  /** calling codes named apart from the number ("prefijo +34", "country code 33") */
  callingCodes: string[];
}

export function phoneHints(text: string): PhoneHints {
  const countries = countriesNamed(text);
  const callingCodes = [
    ...text.matchAll(
      /\b(?:prefijo|prefix|country code|dialling code|dialing code|codigo|code|indicativo)\s*(?:is|es|:)?\s*(?:\+|00)?(\d{1,3})\b/g,
    ),
  ].map((m) => m[1]!);
  return { countries, callingCodes };
}

type Parsed = { ok: true; e164: string; type: PhoneType } | { ok: false; message: string };

function parseIn(groups: string[], country: string, hints: PhoneHints): Parsed {
  const text = groups.join(' ');
  const international = /^(\+|00)/.test(text);
  let firstProblem: string | undefined;
  const attempts: [string, string][] = [];
  if (!international) {
    for (const code of hints.callingCodes) {
      attempts.push([`+${code} ${text}`, country]);
      if (text.startsWith('0')) attempts.push([`+${code} ${text.slice(1)}`, country]);
    }
    for (const c of hints.countries) attempts.push([text, c]);
  }
  attempts.push([text, country]);
  for (const [input, c] of attempts) {
    const r = normalizePhone(input, c);
    if (r.ok) return { ok: true, e164: r.e164, type: r.type };
    firstProblem ??= r.message;
  }
  return { ok: false, message: firstProblem ?? 'not a phone number' };
}

const RUN = /(?:\+|\b)\d(?:[\d ().,/-]*\d)?/g;
const digitCount = (groups: { text: string }[]) => groups.reduce((n, g) => n + g.text.replace(/\D/g, '').length, 0);

/** every phone-like thing in `text` (which must already have emails and non-phones blanked out) */
export function findPhones(text: string, country: string, hints: PhoneHints): PhoneCandidate[] {
  const out: PhoneCandidate[] = [];
  // a budget of parses (about 30 µs each): a real reply needs a few dozen; garbage must not cost seconds
  let budget = 1500;
  const memo = new Map<string, Parsed>();
  const parse = (groups: string[], c: string, h: PhoneHints): Parsed => {
    const key = groups.join(' ');
    let r = memo.get(key);
    if (!r) {
      budget--;
      r = budget < 0 ? { ok: false, message: 'not a phone number' } : parseIn(groups, c, h);
      memo.set(key, r);
    }
    return r;
  };
  for (const run of text.matchAll(RUN)) {
    const groups = [...run[0].matchAll(/\+?\d+/g)].map((g) => ({
      text: g[0],
      start: run.index + g.index,
      end: run.index + g.index + g[0].length,
    }));
    let i = 0;
    let leftover: typeof groups = [];
    const flushLeftover = () => {
      if (leftover.length === 0) return;
      const digits = digitCount(leftover);
      const span = { start: leftover[0]!.start, end: leftover[leftover.length - 1]!.end };
      const raw = text.slice(span.start, span.end);
      if (digits >= 7) {
        const p = parse(
          leftover.map((g) => g.text),
          country,
          hints,
        );
        out.push({ ...span, raw, reason: p.ok ? 'not a phone number' : p.message });
      } else if (digits >= 2 && digits <= 5 && !raw.startsWith('+')) out.push({ ...span, raw, fragment: true });
      leftover = [];
    };
    while (i < groups.length) {
      let taken = false;
      // the furthest group that keeps the number at 17 digits or fewer: runs are cut in linear time
      let jMax = i;
      for (let n = groups[i]!.text.replace(/\D/g, '').length; jMax + 1 < groups.length; jMax++) {
        n += groups[jMax + 1]!.text.replace(/\D/g, '').length;
        if (n > 17) break;
      }
      for (let j = jMax; j >= i; j--) {
        const slice = groups.slice(i, j + 1);
        const digits = digitCount(slice);
        if (digits < 6 || digits > 17) continue;
        // a lone "+code" group followed by the number is fine; a "+" in the middle starts a new number
        if (slice.slice(1).some((g) => g.text.startsWith('+'))) continue;
        const p = parse(
          slice.map((g) => g.text),
          country,
          hints,
        );
        if (p.ok) {
          flushLeftover();
          const span = { start: slice[0]!.start, end: slice[slice.length - 1]!.end };
          out.push({ ...span, raw: text.slice(span.start, span.end), e164: p.e164, type: p.type });
          i = j + 1;
          taken = true;
          break;
        }
      }
      if (!taken) {
        // a "+code" group ends the leftover before it: it starts another number
        if (groups[i]!.text.startsWith('+')) flushLeftover();
        leftover.push(groups[i]!);
        i++;
      }
    }
    flushLeftover();
  }
  return out;
}
