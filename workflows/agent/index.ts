// Public entry of the AI agent: the offline agent (default) and the OpenAI agent behind one interface.
export type * from './types.ts';
export { extractDetails, readable } from './extraction/index.ts';
