// The customer's name in a reply, when they give one: "I'm Sam Baker", "Sam here", "my name is anna lopez",
// "me llamo Lucía", "soy Pedro", or a reply that is only a name. Read from the original text (case and accents
// kept). Conservative: after "I'm" / "soy" / "it's" / "this is" only capitalised words count, and not the words a
// person says about themselves ("I'm Spanish", "I'm Happy to…"). Pure.
import type { PersonName } from '../types.ts';
import { countriesNamed } from './phones.ts';
import { fold } from './spelled.ts';

const WORD = String.raw`\p{L}[\p{L}'’-]*`;
const CAPITALISED = String.raw`\p{Lu}[\p{L}'’-]*`;
/** not followed by the rest of an email address or a number */
const ENDS = String.raw`(?![\p{L}\d._%+-]*@)(?![\p{L}\d])`;

/** explicit: the words that follow are the name, whatever their case */
const NAMED = new RegExp(
  String.raw`(?:^|[^\p{L}])(?:my name is|my name's|my names|name is|name\s*:|full name\s*:?|i am called|i'?m called|me llamo|mi nombre es|nombre\s*:)\s+(${WORD}(?:\s+${WORD}){0,2})${ENDS}`,
  'iu',
);
/** introductions (their first letter in either case): only capitalised words follow */
const INTRODUCED = new RegExp(
  String.raw`(?:^|[^\p{L}])(?:[iI]'?m|[iI] am|[tT]his is|[iI]t'?s|[sS]oy|[hH]abla)\s+(${CAPITALISED}(?:\s+${CAPITALISED}){0,2})${ENDS}`,
  'u',
);
/** "Sam here", "Sam Baker here", "Lucía aquí" */
const HERE = new RegExp(String.raw`^\W*(${CAPITALISED}(?:\s+${CAPITALISED})?)\s+(?:here|aqu[ií])\b`, 'u');
/** a reply that is only a name: "Sam", "Sam Baker." */
const ONLY = new RegExp(String.raw`^\W*(${CAPITALISED}(?:\s+${CAPITALISED})?)\W*$`, 'u');

/** words that follow "I'm" / "it's" or stand alone without being a name (folded) */
const NOT_NAMES = new Set(
  (
    'a an the and or but not no yes yeah yep ok okay sure thanks thank hi hello hey hola gracias si vale ' +
    'here there back home away out off in on at from with by for to of as just still also only very really so ' +
    'sorry afraid happy glad fine good great well busy free available ready waiting interested unable able ' +
    'new old sick tired angry annoyed upset disappointed frustrated confused lost late done finished ' +
    'calling writing messaging texting trying looking asking wondering going using travelling traveling ' +
    'mr mrs ms miss dr sir madam senor senora my your his her our their me you it this that urgent asap ' +
    'email phone mobile number whatsapp correo telefono movil numero please por favor nobody someone ' +
    'customer client guest user human person bot monday tuesday wednesday thursday friday saturday sunday ' +
    'perfect great cheers brilliant excellent awesome cool lovely nice bye goodbye ciao adios genial perfecto ' +
    'claro bueno buenas vale listo correct right exactly wrong help urgent stop wait what why how when where who'
  ).split(' '),
);

function title(word: string): string {
  return word.charAt(0).toLocaleUpperCase() + word.slice(1);
}

function asName(raw: string, capitalise: boolean): PersonName | null {
  const words: string[] = [];
  for (const w of raw.trim().split(/\s+/)) {
    const f = fold(w);
    if (NOT_NAMES.has(f) || countriesNamed(f).length > 0) break;
    words.push(capitalise && w === w.toLocaleLowerCase() ? title(w) : w);
  }
  if (words.length === 0) return null;
  return { firstName: words[0]!, lastName: words.length > 1 ? words.slice(1).join(' ') : null };
}

/** The name a reply gives, or null. Never throws. */
export function findName(message: string): PersonName | null {
  const text = message.slice(0, 500).replace(/[’]/g, "'");
  const named = NAMED.exec(text);
  if (named) return asName(named[1]!, true);
  for (const re of [INTRODUCED, HERE]) {
    const m = re.exec(text);
    if (m) {
      const name = asName(m[1]!, false);
      if (name) return name;
    }
  }
  const only = ONLY.exec(text.trim());
  if (only && !/\d|@/.test(text)) {
    const name = asName(only[1]!, false);
    // every word must be a name word: "Thanks Sam" is not one
    if (name && [name.firstName, name.lastName].filter(Boolean).join(' ') === only[1]!.trim().replace(/\s+/g, ' '))
      return name;
  }
  return null;
}
