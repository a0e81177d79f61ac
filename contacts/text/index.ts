// Stored text: what any text Baton keeps may hold (no NUL, no control characters, no unpaired surrogates).
export {
  cleanText,
  cutText,
  findBadText,
  lineText,
  multilineText,
  noControlCharacters,
  plainString,
  textProblem,
} from './text.ts';
export type { TextCleaning, TextKind } from './text.ts';
