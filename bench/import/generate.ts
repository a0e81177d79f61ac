// An Outlook-style contacts CSV of N rows with realistic phone spellings (national, +44, 0044, brackets, dashes,
// some invalid), deterministic (seeded), written as a stream.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'csv-stringify/sync';

export const OUTLOOK_HEADERS = [
  'First Name',
  'Middle Name',
  'Last Name',
  'Title',
  'Company',
  'Job Title',
  'Business Street',
  'Business City',
  'Business Postal Code',
  'Business Country/Region',
  'Home Street',
  'Home City',
  'Home State',
  'Home Postal Code',
  'Home Country/Region',
  'Business Phone',
  'Home Phone',
  'Mobile Phone',
  'E-mail Address',
  'E-mail Display Name',
  'Notes',
  'Categories',
];

const FIRST = [
  'Jane',
  'John',
  'Amira',
  'Oliver',
  'Sofia',
  'Liam',
  'Chloé',
  'Mohammed',
  'Emily',
  'Noah',
  'Zoë',
  'Harry',
];
const LAST = ['Smith', 'Jones', 'Taylor', 'Brown', "O'Neill", 'Patel', 'Khan', 'Wilson', 'Evans', 'Müller', 'Davies'];
const CITIES = ['London', 'Leeds', 'Bristol', 'Manchester', 'Glasgow', 'Cardiff'];
const TAGS = ['VIP', 'Newsletter', 'Wholesale', 'Retail', 'Events'];

/** A small seeded PRNG (mulberry32): the same file for the same N. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function phoneSpelling(n: number, r: () => number): string {
  const digits = String(7000000000 + (n % 999_999_999) * 7 + Math.floor(r() * 7)).slice(0, 10); // 7xxxxxxxxx
  const a = digits.slice(0, 4);
  const b = digits.slice(4);
  const pick = r();
  if (pick < 0.03) return `0${digits.slice(0, 6)}`; // too short
  if (pick < 0.05) return `+44 1${digits}9`; // too long / invalid
  if (pick < 0.3) return `0${a} ${b}`;
  if (pick < 0.5) return `+44 ${a} ${b}`;
  if (pick < 0.6) return `0044 ${a} ${b}`;
  if (pick < 0.7) return `(0${a}) ${b.slice(0, 3)}-${b.slice(3)}`;
  if (pick < 0.8) return `+44 (0)${a}-${b.slice(0, 3)}-${b.slice(3)}`;
  if (pick < 0.9) return `0${a}-${b}`;
  return `+44${digits}`;
}

export async function generateOutlookCsv(file: string, rows: number, seed = 42): Promise<void> {
  const r = rng(seed);
  const out = createWriteStream(file);
  out.write(stringify([OUTLOOK_HEADERS]));
  let chunk: string[][] = [];
  for (let i = 0; i < rows; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(r() * LAST.length)]!;
    const city = CITIES[i % CITIES.length]!;
    chunk.push([
      first,
      '',
      last,
      '',
      r() < 0.4 ? `Company ${i % 997}` : '',
      '',
      '',
      '',
      '',
      '',
      `${1 + (i % 200)} High Street`,
      city,
      '',
      `SW1A ${i % 10}AA`,
      r() < 0.8 ? 'United Kingdom' : '',
      r() < 0.2 ? `020 7946 ${String(i % 10000).padStart(4, '0')}` : '',
      '',
      phoneSpelling(i, r),
      r() < 0.9
        ? `${first
            .normalize('NFKD')
            .replace(/[\u0300-\u036f]/g, '')
            .toLowerCase()}.${i}@example.com`
        : '',
      '',
      r() < 0.1 ? 'Met at the fair, "great lead", call back' : '',
      r() < 0.3 ? `${TAGS[i % TAGS.length]};${TAGS[(i + 2) % TAGS.length]}` : '',
    ]);
    if (chunk.length === 5000) {
      if (!out.write(stringify(chunk))) await once(out, 'drain');
      chunk = [];
    }
  }
  out.write(stringify(chunk));
  out.end();
  await once(out, 'finish');
}
