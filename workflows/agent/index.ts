// Public entry of the AI agent: the offline agent (default) and the OpenAI agent behind one interface.
export type * from './types.ts';
export { createAgent } from './create-agent.ts';
export type { AgentOptions } from './create-agent.ts';
export { OfflineAgent } from './offline-agent.ts';
export type { OfflineAgentOptions } from './offline-agent.ts';
export { OpenAiAgent, combineExtractions, REQUEST_HUMAN, SAVE_CONTACT_DETAILS } from './openai-agent.ts';
export type { OpenAiAgentOptions, AgentLogger } from './openai-agent.ts';
export { extractDetails, extractWithCandidates, readable } from './extraction/index.ts';
export { parseFaq, FaqIndex } from './faq.ts';
export type { Faq, FaqEntry } from './faq.ts';
export { loadFaqFile } from './faq-file.ts';
export { wantsHuman, isGreeting, isFrustrated, language } from './intent.ts';
