// Keeps customers' phone numbers and emails out of logs: "jane.doe@example.com" → "ja***@ex***.com",
// "+447911123456" → "+44*******456". Pure, so it is tested without a logger.

const EMAIL = /([A-Za-z0-9._%+-]{1,64})@([A-Za-z0-9-]+)((?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;
// A run of 7+ digits, optionally led by + or 00 and broken by spaces, dots, dashes or brackets.
const PHONE = /(?<![\w-])(\+|00)?(?:[\s().-]*\d){7,}(?!\w)/g;

function maskEmail(_m: string, local: string, domain: string, tld: string): string {
  return `${local.slice(0, 2)}***@${domain.slice(0, 2)}***${tld.slice(tld.lastIndexOf('.'))}`;
}

function maskPhone(match: string): string {
  const digits = match.replace(/\D/g, '');
  const lead = match.trimStart().startsWith('+') ? '+' : '';
  const keepStart = lead ? Math.min(2, digits.length) : 0;
  const keepEnd = 3;
  if (digits.length <= keepStart + keepEnd) return '*'.repeat(digits.length);
  const leading = match.match(/^\s*/)?.[0] ?? '';
  return `${leading}${lead}${digits.slice(0, keepStart)}${'*'.repeat(digits.length - keepStart - keepEnd)}${digits.slice(-keepEnd)}`;
}

// UUIDs and ISO timestamps contain long digit runs that are not phones: protect them.
const SAFE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{4}-\d{2}-\d{2}T[\d:.]+Z?/gi;

export function redactText(text: string): string {
  const safe: string[] = [];
  const shielded = text.replace(SAFE, (m) => {
    safe.push(m);
    return `\u{E000}${safe.length - 1}\u{E000}`;
  });
  return shielded
    .replace(EMAIL, maskEmail)
    .replace(PHONE, maskPhone)
    .replace(/\u{E000}(\d+)\u{E000}/gu, (_m, i: string) => safe[Number(i)] ?? '');
}

/** Deep copy of a log payload with every string redacted. Numbers are left alone (ids, counts, ports). */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return {
      type: value.name,
      message: redactText(value.message),
      stack: value.stack ? redactText(value.stack) : undefined,
      code: (value as { code?: unknown }).code,
    };
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value; // requests, buffers, dates: serializers handle them
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, depth + 1);
  return out;
}
