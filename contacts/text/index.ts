// Stored text: what any text Baton keeps may hold (no NUL, no control characters, no unpaired surrogates).
export { findBadText, lineText, multilineText, noControlCharacters, plainString, textProblem } from './text.ts';
export type { TextKind } from './text.ts';
