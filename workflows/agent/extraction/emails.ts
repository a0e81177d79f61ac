// Email candidates in a (folded, spelled-out-rewritten) reply. Pure.
import { normalizeEmail } from '../../../contacts/index.ts';
import { isKnownTld } from './spelled.ts';

export interface EmailCandidate {
  start: number;
  end: number;
  raw: string;
  /** set when valid */
  value?: string;
  /** set when not */
  reason?: string;
}

/** misspellings of the big providers' domains that are real-looking but almost never meant */
const TYPO_DOMAINS: Record<string, string> = {
  'gmial.com': 'gmail.com',
  'gmal.com': 'gmail.com',
  'gamil.com': 'gmail.com',
  'gmaill.com': 'gmail.com',
  'gnail.com': 'gmail.com',
  'hotmial.com': 'hotmail.com',
  'hotmal.com': 'hotmail.com',
  'hotmai.com': 'hotmail.com',
  'yahooo.com': 'yahoo.com',
  'yaho.com': 'yahoo.com',
  'outlok.com': 'outlook.com',
  'iclod.com': 'icloud.com',
};

const EMAIL_LIKE = /[a-z0-9._%+'-]*[a-z0-9_%+-]@+[a-z0-9.-]*[a-z0-9]/g;

export function findEmails(text: string): EmailCandidate[] {
  const out: EmailCandidate[] = [];
  for (const m of text.matchAll(EMAIL_LIKE)) {
    const raw = m[0].replace(/^[.'-]+/, '');
    const start = m.index + (m[0].length - raw.length);
    const candidate: EmailCandidate = { start, end: m.index + m[0].length, raw };
    const [, domain = ''] = raw.split(/@+/);
    const tld = domain.includes('.') ? domain.split('.').pop()! : '';
    if ((raw.match(/@/g) ?? []).length > 1) candidate.reason = 'it has more than one @';
    else if (!domain.includes('.')) candidate.reason = `"${domain}" is not a complete domain (like ${domain}.com)`;
    else if (!isKnownTld(tld)) candidate.reason = `".${tld}" is not a real domain ending`;
    else if (TYPO_DOMAINS[domain]) candidate.reason = `"${domain}" looks like a typo of ${TYPO_DOMAINS[domain]}`;
    else {
      const normalized = normalizeEmail(raw);
      if (normalized.ok) candidate.value = normalized.email;
      else candidate.reason = normalized.message;
    }
    out.push(candidate);
  }
  return out;
}
