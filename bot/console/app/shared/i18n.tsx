// The language of the console (English or Spanish): the browser's, unless the user picked one (kept in localStorage).
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { ApiError } from './api.ts';
import { LANGUAGES, TEXTS, type Language, type Texts } from './texts.ts';

const KEY = 'baton.language';

function initialLanguage(): Language {
  const saved = localStorage.getItem(KEY);
  if (saved && saved in LANGUAGES) return saved as Language;
  return navigator.language.toLowerCase().startsWith('es') ? 'es' : 'en';
}

interface LanguageState {
  language: Language;
  setLanguage: (l: Language) => void;
  t: Texts;
}
const Context = createContext<LanguageState | null>(null);

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [language, set] = useState<Language>(initialLanguage);
  const value = useMemo(
    () => ({
      language,
      t: TEXTS[language],
      setLanguage: (l: Language) => {
        localStorage.setItem(KEY, l);
        document.documentElement.lang = l;
        set(l);
      },
    }),
    [language],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useLanguage(): LanguageState {
  const v = useContext(Context);
  if (!v) throw new Error('useLanguage outside LanguageProvider');
  return v;
}
export const useTexts = (): Texts => useLanguage().t;

/** An error as people read it: no "Failed to fetch". */
export function errorText(t: Texts, e: unknown): string {
  if (e instanceof ApiError) return e.code === 'NETWORK' ? t.cantReach : e.message || t.somethingWrong;
  return t.somethingWrong;
}
