// Which language a customer writes in, for Baton's own texts: the channel's locale when it tells one, else the
// offline agent's reading of the message — but only when the message has words enough to show it (an email
// address or a number alone keeps the language the conversation had).
import { language } from '../agent/index.ts';
import type { Lang } from '../conversation/index.ts';

export function customerLanguage(text: string, locale?: string): Lang | undefined {
  if (locale) return language(text, locale);
  const words = text.replace(/\S+@\S+/g, ' ').match(/\p{L}{2,}/gu) ?? [];
  if (words.length < 2) return undefined;
  return language(text);
}
