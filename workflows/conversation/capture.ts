// Detail capture, pure: merges what the AI agent read from one reply into what was collected so far,
// and decides whether to save, ask again (at most MAX_REASKS times), or stop.
import type { DetailExtraction, DetailFinding } from '../agent/types.ts';
import { wordingFor, type Lang } from './wording.ts';

export const MAX_REASKS = 2;

export interface CaptureProgress {
  email: string | null;
  /** a phone number given in the chat (on WhatsApp: only when it differs from the known one) */
  phone: string | null;
  /** re-asks used so far */
  reasks: number;
}

export const emptyCapture = (): CaptureProgress => ({ email: null, phone: null, reasks: 0 });

export type CaptureDecision =
  | { kind: 'save'; email: string | null; phone: string | null }
  | { kind: 'ask'; text: string }
  | { kind: 'declined' }
  | { kind: 'nothing' };

export interface CaptureStep {
  progress: CaptureProgress;
  decision: CaptureDecision;
}

/** Does the capture still need this detail? On WhatsApp the phone is known already. */
function phoneNeeded(progress: CaptureProgress, knownPhone: string | null): boolean {
  return progress.phone === null && knownPhone === null;
}

function problemFor(field: 'email' | 'phone', finding: DetailFinding, lang: Lang): string {
  const wording = wordingFor(lang);
  switch (finding.status) {
    case 'invalid':
      return wording.invalid(field, finding.raw, finding.reason);
    case 'ambiguous':
      return wording.ambiguous(field, finding.options);
    default:
      return field === 'email' ? wording.missingEmail : wording.missingPhone;
  }
}

export function decideCapture(
  progress: CaptureProgress,
  extraction: DetailExtraction,
  knownPhone: string | null,
  lang: Lang = 'en',
): CaptureStep {
  const wording = wordingFor(lang);
  const next: CaptureProgress = { ...progress };
  if (extraction.email.status === 'found') next.email = extraction.email.value;
  if (extraction.phone.status === 'found' && extraction.phone.value !== knownPhone) next.phone = extraction.phone.value;

  const hasSomething = next.email !== null || next.phone !== null;
  const complete = next.email !== null && !phoneNeeded(next, knownPhone);
  if (complete) return { progress: next, decision: { kind: 'save', email: next.email, phone: next.phone } };
  if (extraction.declined) {
    return hasSomething
      ? { progress: next, decision: { kind: 'save', email: next.email, phone: next.phone } }
      : { progress: next, decision: { kind: 'declined' } };
  }
  if (next.reasks < MAX_REASKS) {
    const problems: string[] = [];
    if (next.email === null) problems.push(problemFor('email', extraction.email, lang));
    if (phoneNeeded(next, knownPhone)) problems.push(problemFor('phone', extraction.phone, lang));
    next.reasks += 1;
    return { progress: next, decision: { kind: 'ask', text: wording.reask(problems) } };
  }
  return hasSomething
    ? { progress: next, decision: { kind: 'save', email: next.email, phone: next.phone } }
    : { progress: next, decision: { kind: 'nothing' } };
}

/** After a detail was refused (it belongs to a user): drop it, then ask again, save the rest, or stop. */
export function decideAfterRefusal(
  progress: CaptureProgress,
  field: 'email' | 'phone',
  lang: Lang = 'en',
): CaptureStep {
  const wording = wordingFor(lang);
  const next: CaptureProgress = { ...progress, [field]: null };
  if (next.reasks < MAX_REASKS) {
    next.reasks += 1;
    return { progress: next, decision: { kind: 'ask', text: wording.refused(field) } };
  }
  return next.email !== null || next.phone !== null
    ? { progress: next, decision: { kind: 'save', email: next.email, phone: next.phone } }
    : { progress: next, decision: { kind: 'nothing' } };
}
