// Public entry of workflows/: the conversation statechart, its durable runtime, and the AI agent contracts.
export * from './conversation/index.ts';
export type { InboundMessage, OutboundMessage, ChannelGateway, TypingTarget } from './contracts.ts';
export { ChannelElsewhereError, ChannelUnavailableError } from './contracts.ts';
export * from './agent/index.ts';
export * from './runtime/index.ts';
export * from './broadcasts/index.ts';
