// cleanText: a customer's text made storable rather than refused (controls out, unpaired surrogates as U+FFFD);
// cutText: a cut that never splits a surrogate pair.
import { describe, expect, it } from 'vitest';
import { cleanText, cutText, textProblem } from '../../../contacts/index.ts';

describe('cleanText', () => {
  it('returns a clean text as it is, saying nothing was cleaned', () => {
    const text = 'Hola, ¿abren mañana?\n\tGracias 👍';
    expect(cleanText(text)).toEqual({ text });
  });

  it('removes NUL, other C0 controls, DEL and C1 controls, keeping tab, line feed and carriage return', () => {
    expect(cleanText('a\u0000b\u0007c\u001bd\u007fe\u0085f\t\r\ng')).toEqual({
      text: 'abcdef\t\r\ng',
      cleaned: { controls: 5, surrogates: 0 },
    });
  });

  it('replaces unpaired surrogates with U+FFFD and keeps pairs', () => {
    expect(cleanText('x\ud800y\udc00z 😀')).toEqual({
      text: 'x\ufffdy\ufffdz 😀',
      cleaned: { controls: 0, surrogates: 2 },
    });
  });

  it('always gives a text the stored-text rule accepts', () => {
    for (const s of ['\u0000', '\ud83d', '\ud83d\u0000\ude00', 'a\u009fb\udfff', '\u0001\u0002\u0003'])
      expect(textProblem(cleanText(s).text)).toBeUndefined();
  });
});

describe('cutText', () => {
  it('cuts at max UTF-16 units, one fewer when that would split a pair', () => {
    expect(cutText('abcdef', 3)).toBe('abc');
    expect(cutText('ab😀cd', 3)).toBe('ab');
    expect(cutText('ab😀cd', 4)).toBe('ab😀');
    expect(cutText('abc', 10)).toBe('abc');
  });
});
