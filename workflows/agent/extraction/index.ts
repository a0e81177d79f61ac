// extractDetails: an email and a phone number out of a customer's free-text reply, as carefully as a person would
// read it. Candidates are found (spelled-out forms and digit words rewritten first), described by the words around
// them (old/new, mobile/home, someone else's, corrections, order numbers, the business's own number), and only a
// single remaining candidate is returned as found: a wrong saved detail is worse than a question. Pure and sync.
import { normalizePhone } from '../../../contacts/index.ts';
import type { DetailExtraction, DetailFinding, ExtractionContext } from '../types.ts';
import { surroundings, type Span, type Surroundings } from './context.ts';
import * as cue from './cues.ts';
import { findEmails, type EmailCandidate } from './emails.ts';
import { blankSpans, findPhones, phoneHints, withoutNonPhones, type PhoneCandidate } from './phones.ts';
import { findName } from './names.ts';
import { digitsFromWords, emailsFromWords, fold } from './spelled.ts';

export { fold, digitsFromWords, emailsFromWords } from './spelled.ts';

/** the reply in the form the finders read: folded, spelled-out emails and digit words rewritten */
export function readable(message: string): string {
  return digitsFromWords(emailsFromWords(fold(message)));
}

interface Described<C> {
  c: C;
  s: Surroundings;
  /** text between this candidate and the previous one of the same kind */
  sincePrevious: string;
  dropped: boolean;
}

const label = (s: Surroundings) => `${s.before} | ${s.after}`;

function describe<C extends Span>(text: string, mine: C[], all: Span[]): Described<C>[] {
  const sorted = [...all].sort((a, b) => a.start - b.start);
  const around = surroundings(text, sorted);
  return mine.map((c, k) => ({
    c,
    s: around[sorted.indexOf(c)]!,
    sincePrevious: k === 0 ? '' : text.slice(mine[k - 1]!.end, c.start),
    dropped: false,
  }));
}

/** drops candidates that a later one corrects, that belong to someone else, are old, or are negated */
function dropCommon<C>(items: Described<C>[], reverted: boolean) {
  items.forEach((item, k) => {
    if (reverted || k === 0 || !cue.CORRECTION.test(item.sincePrevious)) return;
    items.slice(0, k).forEach((p) => (p.dropped = true));
  });
  for (const item of items) {
    const l = label(item.s);
    if (cue.OTHER_PERSON.test(l) && !cue.OWN.test(item.s.before)) item.dropped = true;
    if (cue.BUSINESS.test(l)) item.dropped = true;
    if (cue.OLD.test(l)) item.dropped = true;
    if (cue.NEGATED_BEFORE.test(item.s.before) || cue.NEGATED_AFTER.test(item.s.after)) item.dropped = true;
  }
}

function choose<C>(remaining: Described<C>[], value: (c: C) => string, prefer: ((d: Described<C>) => boolean)[]) {
  const unique = new Map<string, Described<C>>();
  for (const d of remaining) if (!unique.has(value(d.c))) unique.set(value(d.c), d);
  const list = [...unique.values()];
  if (list.length <= 1) return list[0];
  for (const p of prefer) {
    const preferred = list.filter(p);
    if (preferred.length === 1) return preferred[0];
  }
  return list;
}

function emailFinding(items: Described<EmailCandidate>[], exclude: Set<string>, reverted: boolean): DetailFinding {
  dropCommon(items, reverted);
  for (const item of items) if (item.c.value && exclude.has(item.c.value)) item.dropped = true;
  const kept = items.filter((i) => !i.dropped);
  const valid = kept.filter((i) => i.c.value);
  const picked = choose(valid, (c) => c.value!, [
    (d) => cue.NEW.test(label(d.s)),
    (d) => cue.OWN.test(label(d.s)),
    (d) => !cue.WORK.test(label(d.s)),
  ]);
  if (Array.isArray(picked)) return { status: 'ambiguous', options: picked.map((d) => d.c.value!) };
  if (picked) return { status: 'found', value: picked.c.value! };
  const invalid = kept.filter((i) => i.c.reason).pop();
  if (invalid) return { status: 'invalid', raw: invalid.c.raw, reason: invalid.c.reason! };
  return { status: 'none' };
}

function isNotAPhone(before: string): boolean {
  const m = cue.NOT_A_PHONE.exec(before);
  return m !== null && !cue.PHONE_WORD.test(before.slice(m.index));
}

const isLandline = (d: Described<PhoneCandidate>) => {
  const l = label(d.s);
  return d.c.type === 'fixed_line' || (cue.HOME.test(l) && !cue.MOBILE.test(l));
};
const isMobile = (d: Described<PhoneCandidate>) => {
  const l = label(d.s);
  return !isLandline(d) && (cue.MOBILE.test(l) || d.c.type === 'mobile');
};

function phoneFinding(
  items: Described<PhoneCandidate>[],
  ctx: ExtractionContext,
  reverted: boolean,
  correct: (previous: PhoneCandidate, fragment: PhoneCandidate) => PhoneCandidate | undefined,
): DetailFinding {
  // "07911 111222, sorry, the end is 223": a short group after a correction replaces the end of the number before
  items.forEach((item, k) => {
    if (reverted || !item.c.fragment || k === 0 || !cue.CORRECTION.test(item.sincePrevious)) return;
    const fixed = correct(items[k - 1]!.c, item.c);
    if (fixed) item.c = fixed;
  });
  for (const item of items) if (item.c.fragment) item.dropped = true;
  for (const item of items) if (isNotAPhone(item.s.before)) item.dropped = true;
  const real = items.filter((i) => !i.dropped);
  dropCommon(real, reverted);
  const exclude = new Set(
    (ctx.excludePhones ?? []).flatMap((p) => {
      const r = normalizePhone(p, ctx.country);
      return r.ok ? [r.e164] : [];
    }),
  );
  for (const item of real) if (item.c.e164 && exclude.has(item.c.e164)) item.dropped = true;
  const kept = real.filter((i) => !i.dropped);
  const valid = kept.filter((i) => i.c.e164);
  const onlyMobile = (d: Described<PhoneCandidate>) =>
    isMobile(d) && valid.every((o) => o === d || o.c.e164 === d.c.e164 || isLandline(o));
  const picked = choose(valid, (c) => c.e164!, [
    (d) => cue.NEW.test(label(d.s)),
    onlyMobile,
    (d) => cue.OWN.test(label(d.s)),
    (d) => !cue.WORK.test(label(d.s)),
  ]);
  if (Array.isArray(picked)) return { status: 'ambiguous', options: picked.map((d) => d.c.e164!) };
  if (picked) return { status: 'found', value: picked.c.e164! };
  const invalid = kept.filter((i) => i.c.reason).pop();
  if (invalid) return { status: 'invalid', raw: invalid.c.raw.trim(), reason: invalid.c.reason! };
  return { status: 'none' };
}

/** Reads an email and a phone number out of a free-text reply. Never throws. */
export function extractDetails(message: string, ctx: ExtractionContext): DetailExtraction {
  try {
    return extractWithCandidates(message, ctx).extraction;
  } catch {
    // a bug here must cost a question, not the conversation
    return { email: { status: 'none' }, phone: { status: 'none' }, declined: false };
  }
}

/** extractDetails, plus every valid value seen in the reply (kept or not): lets a second reader (an LLM) be checked */
export function extractWithCandidates(
  message: string,
  ctx: ExtractionContext,
): { extraction: DetailExtraction; seenEmails: string[]; seenPhones: string[]; text: string; message: string } {
  const text = readable(message.slice(0, 2000));
  const emails = findEmails(text);
  const phoneText = withoutNonPhones(blankSpans(text, emails));
  const hints = phoneHints(text);
  const phones = findPhones(phoneText, ctx.country, hints);
  const all: Span[] = [...emails, ...phones];
  const reverted = cue.REVERT.test(text);

  const email = emailFinding(
    describe(text, emails, all),
    new Set((ctx.excludeEmails ?? []).map((e) => e.trim().toLowerCase())),
    reverted,
  );
  let phone = phoneFinding(describe(text, phones, all), ctx, reverted, (previous, fragment) => {
    const digits = previous.raw.replace(/[^\d+]/g, '');
    const tail = fragment.raw.replace(/\D/g, '');
    if (digits.replace(/\D/g, '').length <= tail.length + 3) return undefined;
    const candidate = findPhones(digits.slice(0, digits.length - tail.length) + tail, ctx.country, hints)[0];
    return candidate?.e164 ? { ...candidate, start: previous.start, end: fragment.end, raw: fragment.raw } : undefined;
  });

  // a refusal of the name alone ("I'm not giving you my name") is not a refusal of the details
  const withoutName = text.replace(cue.NAME_REFUSED, ' ');
  const refused =
    cue.DECLINED.test(withoutName) ||
    cue.BARE_REFUSAL.test(withoutName) ||
    (!ctx.knownPhone && cue.BARE_NO.test(withoutName));
  if (ctx.knownPhone && phone.status === 'none' && cue.CONFIRM.test(text) && !cue.DENY.test(text)) {
    const known = normalizePhone(ctx.knownPhone, ctx.country);
    if (known.ok) phone = { status: 'found', value: known.e164 };
  }
  const declined = refused && !(email.status === 'found' && phone.status === 'found');
  const name = findName(message);
  return {
    extraction: { email, phone, declined, ...(name ? { name } : {}) },
    seenEmails: emails.flatMap((e) => (e.value ? [e.value] : [])),
    seenPhones: phones.flatMap((p) => (p.e164 ? [p.e164] : [])),
    text,
    message,
  };
}
