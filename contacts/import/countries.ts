// A country cell ("United Kingdom", "UK", "gb", "Deutschland"…) → ISO 3166 alpha-2, for reading phone numbers.
import { getCountries } from 'libphonenumber-js/max';

const ALIASES: Record<string, string> = {
  uk: 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  northernireland: 'GB',
  greatbritain: 'GB',
  britain: 'GB',
  usa: 'US',
  us: 'US',
  unitedstatesofamerica: 'US',
  america: 'US',
  deutschland: 'DE',
  espana: 'ES',
  holland: 'NL',
  nederland: 'NL',
  uae: 'AE',
  southkorea: 'KR',
  russia: 'RU',
};

const key = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

let table: Map<string, string> | undefined;

function build(): Map<string, string> {
  // Country names in English and in the languages of Baton's businesses ("Allemagne", "Alemania", "Duitsland"…).
  const languages = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl'].map(
    (l) => new Intl.DisplayNames([l], { type: 'region' }),
  );
  const map = new Map<string, string>(Object.entries(ALIASES));
  for (const code of getCountries()) {
    map.set(code.toLowerCase(), code);
    for (const names of languages) {
      const name = names.of(code);
      if (name && !map.has(key(name))) map.set(key(name), code);
    }
  }
  return map;
}

/** The ISO code a country cell names, or undefined when it names none we know. */
export function countryCode(cell: string): string | undefined {
  const k = key(cell);
  if (k === '') return undefined;
  table ??= build();
  return table.get(k);
}
