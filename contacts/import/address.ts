// A whole address written in one cell ("12 High Street, London SW1A 1AA, United Kingdom") → its parts. Pure.
// Cautious: it splits only when it finds a postal code where addresses put one (the last part, or the last before
// a country), so a street with no town after it is never cut up. Otherwise the caller keeps the cell whole as line 1.
import { countryCode } from './countries.ts';

export interface AddressParts {
  line1: string;
  line2?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  country?: string;
}

// Postal codes of the countries Baton's businesses are in, and their neighbours' shapes:
// UK (SW1A 1AA), NL (1012 AB), BR (01310-100), PT (1000-001), US ZIP (62704, 62704-1234), 4–5 digits (DE, FR, ES,
// IT, AT, CH, BE, DK …), optionally with a country prefix (D-10115, F-75001).
const POSTCODE = String.raw`(?:[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{4} ?[A-Z]{2}|\d{5}-\d{3}|\d{4}-\d{3}|\d{5}-\d{4}|(?:[A-Z]{1,2}-)?\d{4,5})`;
const CODE_THEN_CITY = new RegExp(`^(${POSTCODE})\\s+(\\D.*)$`, 'i');
const CITY_THEN_CODE = new RegExp(`^(\\D.*?)\\s+(${POSTCODE})$`, 'i');
const REGION_THEN_CODE = new RegExp(`^([A-Z]{2})\\s+(${POSTCODE})$`); // US, BR, AU: "IL 62704"
const CODE_ONLY = new RegExp(`^${POSTCODE}$`, 'i');

/** Splits a one-cell address, or returns undefined when it cannot tell the parts apart. */
export function splitAddress(cell: string): AddressParts | undefined {
  const parts = cell
    .split(/\s*[,\n;]\s*/)
    .map((p) => p.trim().replace(/\s+/g, ' '))
    .filter((p) => p !== '');
  if (parts.length < 2) return undefined;
  const out: Partial<AddressParts> = {};
  const last = parts[parts.length - 1]!;
  if (parts.length >= 3 && !/\d/.test(last) && countryCode(last)) {
    out.country = last;
    parts.pop();
  }
  const tail = parts[parts.length - 1]!;
  let m: RegExpExecArray | null;
  if ((m = CODE_THEN_CITY.exec(tail))) {
    out.postalCode = m[1]!;
    out.city = m[2]!;
    parts.pop();
  } else if ((m = REGION_THEN_CODE.exec(tail)) && parts.length >= 3) {
    out.region = m[1]!;
    out.postalCode = m[2]!;
    parts.pop();
    out.city = parts.pop()!;
  } else if ((m = CITY_THEN_CODE.exec(tail))) {
    out.city = m[1]!;
    out.postalCode = m[2]!;
    parts.pop();
  } else if (CODE_ONLY.test(tail) && parts.length >= 3) {
    out.postalCode = tail;
    parts.pop();
    out.city = parts.pop()!;
  } else {
    return undefined;
  }
  if (parts.length === 0) return undefined;
  const [line1, ...rest] = parts;
  return { line1: line1!, ...(rest.length ? { line2: rest.join(', ') } : {}), ...out };
}
