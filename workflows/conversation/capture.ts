// Detail capture, pure. Each valid detail the customer gives is saved at once (never held back for the other), a
// later value for the same detail replaces it (a correction, also after the read-back), and what is still missing is
// asked for again at most MAX_REASKS times. A refusal, however worded, ends the asking: what was given stays saved.
import type { DetailExtraction, DetailFinding, PersonName } from '../agent/types.ts';
import { wordingFor, type Lang } from './wording.ts';

export const MAX_REASKS = 2;

export interface CaptureProgress {
  /** the email saved from this chat (or being saved) */
  email: string | null;
  /** a phone number given in the chat (on WhatsApp: only when it differs from the known one) */
  phone: string | null;
  /** the name the customer gave, when they gave one */
  name?: PersonName | null | undefined;
  /** re-asks used so far */
  reasks: number;
}

export const emptyCapture = (): CaptureProgress => ({ email: null, phone: null, name: null, reasks: 0 });

/** what to write to the contact now: only what is new or changed; `replaces` is the value this chat saved before */
export interface DetailsToSave {
  email: string | null;
  phone: string | null;
  name: PersonName | null;
  replaces: { email: string | null; phone: string | null };
}

/** what the AI says once the save (if any) is done */
export type CaptureNext =
  | { kind: 'ask'; text: string }
  /** everything needed is saved (or the customer refused the rest): read it back, inviting a correction */
  | { kind: 'readBack' }
  | { kind: 'declined' }
  | { kind: 'nothing' }
  /** after the capture: nothing new in the message, so the AI agent answers it */
  | { kind: 'reply' };

export interface CaptureDecision {
  save: DetailsToSave | null;
  next: CaptureNext;
}

export interface CaptureStep {
  progress: CaptureProgress;
  decision: CaptureDecision;
}

export interface CaptureSettings {
  knownPhone: string | null;
  /** a guest: a name they give is saved (a known contact's name is the business's, not the chat's) */
  askName?: boolean | undefined;
  lang?: Lang | undefined;
}

const valueOf = (f: DetailFinding) => (f.status === 'found' ? f.value : null);
const sameName = (a: PersonName | null | undefined, b: PersonName | null | undefined) =>
  (a?.firstName ?? null) === (b?.firstName ?? null) && (a?.lastName ?? null) === (b?.lastName ?? null);

/** Does the capture still need this detail? On WhatsApp the phone is known already. */
function phoneNeeded(progress: CaptureProgress, knownPhone: string | null): boolean {
  return progress.phone === null && knownPhone === null;
}

const hasDetail = (p: CaptureProgress) => p.email !== null || p.phone !== null;

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

/** the new or changed values of a reading, applied to the progress, and the save they need */
function absorb(progress: CaptureProgress, extraction: DetailExtraction, settings: CaptureSettings) {
  const { knownPhone } = settings;
  const email = valueOf(extraction.email);
  const found = valueOf(extraction.phone);
  const phone = found !== null && found !== knownPhone ? found : null;
  const name = settings.askName ? (extraction.name ?? null) : null;
  const save: DetailsToSave = {
    email: email !== null && email !== progress.email ? email : null,
    phone: phone !== null && phone !== progress.phone ? phone : null,
    name: name !== null && !sameName(name, progress.name) ? name : null,
    replaces: { email: null, phone: null },
  };
  if (save.email) save.replaces.email = progress.email;
  if (save.phone) save.replaces.phone = progress.phone;
  const next: CaptureProgress = {
    ...progress,
    email: save.email ?? progress.email,
    phone: save.phone ?? progress.phone,
    name: save.name ?? progress.name ?? null,
  };
  const any = save.email !== null || save.phone !== null || save.name !== null;
  return { next, save: any ? save : null };
}

/** During the capture: save what is new, then ask for what is missing, or read back, or stop. */
export function decideCapture(
  progress: CaptureProgress,
  extraction: DetailExtraction,
  settings: CaptureSettings,
): CaptureStep {
  const { knownPhone, lang = 'en' } = settings;
  const { next, save } = absorb(progress, extraction, settings);
  const complete = next.email !== null && !phoneNeeded(next, knownPhone);
  const done = (): CaptureStep => ({
    progress: next,
    decision: {
      save,
      next: hasDetail(next) ? { kind: 'readBack' } : { kind: extraction.declined ? 'declined' : 'nothing' },
    },
  });
  if (complete || extraction.declined) return done();
  if (next.reasks < MAX_REASKS) {
    const problems: string[] = [];
    if (next.email === null) problems.push(problemFor('email', extraction.email, lang));
    if (phoneNeeded(next, knownPhone)) problems.push(problemFor('phone', extraction.phone, lang));
    next.reasks += 1;
    return { progress: next, decision: { save, next: { kind: 'ask', text: wordingFor(lang).reask(problems) } } };
  }
  return done();
}

/** After the capture (read-back included): a new value for a saved detail, or a name, is a correction to save. */
export function decideCorrection(
  progress: CaptureProgress,
  extraction: DetailExtraction,
  settings: CaptureSettings,
): CaptureStep {
  const { next, save } = absorb(progress, extraction, settings);
  return save
    ? { progress: next, decision: { save, next: { kind: 'readBack' } } }
    : { progress, decision: { save: null, next: { kind: 'reply' } } };
}

/**
 * A detail was refused (it belongs to a user of the business): it is dropped, back to what this chat had saved
 * before; the rest of the same save is saved again; and the customer is asked for another (within the re-asks).
 */
export function decideAfterRefusal(
  progress: CaptureProgress,
  refused: DetailsToSave | null,
  field: 'email' | 'phone',
  settings: CaptureSettings & { capturing: boolean },
): CaptureStep {
  const wording = wordingFor(settings.lang ?? 'en');
  const next: CaptureProgress = { ...progress, [field]: refused?.replaces[field] ?? null };
  const rest: DetailsToSave | null = refused ? { ...refused, [field]: null } : null;
  const save = rest && (rest.email !== null || rest.phone !== null || rest.name !== null) ? rest : null;
  if (!settings.capturing || next.reasks < MAX_REASKS) {
    if (settings.capturing) next.reasks += 1;
    return { progress: next, decision: { save, next: { kind: 'ask', text: wording.refused(field) } } };
  }
  return { progress: next, decision: { save, next: hasDetail(next) ? { kind: 'readBack' } : { kind: 'nothing' } } };
}
