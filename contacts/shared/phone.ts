// Phone numbers: libphonenumber-js with full metadata. "+" or "00" means international; anything else is read in
// the business's country. Stored as E.164. Pure: no I/O.
import {
  parsePhoneNumberWithError,
  ParseError,
  validatePhoneNumberLength,
  type CountryCode,
} from 'libphonenumber-js/max';

export type PhoneType = 'mobile' | 'fixed_line' | 'fixed_line_or_mobile' | 'voip' | 'toll_free' | 'other';

export type PhoneResult =
  | { ok: true; e164: string; country: string | undefined; type: PhoneType }
  | { ok: false; code: 'PHONE_INVALID'; reason: PhoneProblem; message: string };

export type PhoneProblem =
  'EMPTY' | 'NOT_A_NUMBER' | 'INVALID_COUNTRY' | 'TOO_SHORT' | 'TOO_LONG' | 'INVALID_LENGTH' | 'INVALID_FOR_COUNTRY';

const MESSAGES: Record<PhoneProblem, (input: string, country: string) => string> = {
  EMPTY: () => 'the phone number is empty',
  NOT_A_NUMBER: (i) => `"${i}" is not a phone number`,
  INVALID_COUNTRY: (_i, c) => `the phone number has no valid country code (add + and the country code; read in ${c})`,
  TOO_SHORT: (_i, c) => `the phone number is too short for ${c}`,
  TOO_LONG: (_i, c) => `the phone number is too long for ${c}`,
  INVALID_LENGTH: (_i, c) => `the phone number has the wrong number of digits for ${c}`,
  INVALID_FOR_COUNTRY: (_i, c) => `the phone number is not a valid number in ${c}`,
};

function fail(reason: PhoneProblem, input: string, country: string): PhoneResult {
  return { ok: false, code: 'PHONE_INVALID', reason, message: MESSAGES[reason](input, country) };
}

const TYPE: Record<string, PhoneType> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'fixed_line',
  FIXED_LINE_OR_MOBILE: 'fixed_line_or_mobile',
  VOIP: 'voip',
  TOLL_FREE: 'toll_free',
};

/**
 * Normalises a phone number as written by a person. `defaultCountry` (ISO alpha-2) is where a number without
 * "+" or "00" is read. Returns E.164 or a reason that says why not.
 */
export function normalizePhone(input: string, defaultCountry: string): PhoneResult {
  const raw = input.trim();
  if (raw === '') return fail('EMPTY', input, defaultCountry);
  // "00 44 …" is international everywhere people write it, whatever the country's real exit code.
  const text = raw.replace(/^\(?00(?=[\s\d(])/, '+');
  const country = defaultCountry.toUpperCase() as CountryCode;
  let where: string = text.startsWith('+') ? 'its country' : country;
  try {
    const parsed = parsePhoneNumberWithError(text, { defaultCountry: country });
    where = parsed.country ?? where;
    // With full metadata isValid() is getType() !== undefined (libphonenumber-js's isValid.js, for every country
    // whose metadata has types): classify once, and ask isValid() only when no type matched.
    const type = parsed.getType();
    if (type === undefined && !parsed.isValid()) {
      const len = validatePhoneNumberLength(text, { defaultCountry: country });
      if (len === 'TOO_SHORT' || len === 'TOO_LONG' || len === 'INVALID_LENGTH') return fail(len, input, where);
      return fail('INVALID_FOR_COUNTRY', input, where);
    }
    return { ok: true, e164: parsed.number, country: parsed.country, type: TYPE[type ?? ''] ?? 'other' };
  } catch (e) {
    if (e instanceof ParseError) {
      const m = e.message;
      if (m === 'INVALID_COUNTRY') return fail('INVALID_COUNTRY', input, where);
      if (m === 'TOO_SHORT') return fail('TOO_SHORT', input, where);
      if (m === 'TOO_LONG') return fail('TOO_LONG', input, where);
      return fail('NOT_A_NUMBER', input, where);
    }
    throw e;
  }
}
