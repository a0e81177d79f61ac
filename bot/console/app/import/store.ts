// What the wizard remembers of an import while it is left and returned to: the upload's headers and samples, and
// the mapping being edited (sessionStorage), and which import is under way (localStorage, so a new tab finds it).
import type { Upload } from '../shared/schemas.ts';
import type { Mapping } from './mapping.ts';

const CURRENT = 'baton.import.current';
export interface ImportDraft {
  upload: Upload;
  samples: Record<string, string[]>;
  mapping: Mapping;
  country: string;
}

const key = (id: string) => `baton.import.${id}`;

export function loadDraft(id: string): ImportDraft | null {
  try {
    const parsed = JSON.parse(sessionStorage.getItem(key(id)) ?? 'null') as ImportDraft | null;
    return Array.isArray(parsed?.upload?.headers) && parsed.mapping && typeof parsed.country === 'string'
      ? parsed
      : null;
  } catch {
    return null;
  }
}
export const saveDraft = (id: string, draft: ImportDraft) => sessionStorage.setItem(key(id), JSON.stringify(draft));

export const currentImport = () => localStorage.getItem(CURRENT);
export const setCurrentImport = (id: string | null) =>
  id ? localStorage.setItem(CURRENT, id) : localStorage.removeItem(CURRENT);
