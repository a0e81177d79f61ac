// Times as people read them.
import type { Texts } from './texts.ts';

export function ago(t: Texts, iso: string, now = Date.now()): string {
  const s = Math.max(0, (now - new Date(iso).getTime()) / 1000);
  if (s < 60) return t.time.justNow;
  if (s < 3600) return t.time.minutes(Math.floor(s / 60));
  if (s < 86400) return t.time.hours(Math.floor(s / 3600));
  return t.time.days(Math.floor(s / 86400));
}

export function when(iso: string, language: string): string {
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return today
    ? d.toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleString(language, { dateStyle: 'medium', timeStyle: 'short' });
}
