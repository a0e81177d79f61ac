// Baton's own Direct Line 3.0 server (for the website webchat), bridged into the botbuilder pipeline.
export { DirectLineAdapter, DIRECT_LINE_SERVICE_URL } from './adapter.ts';
export { DirectLineFeed } from './feed.ts';
export { MemoryFeedStore } from './feed-store.ts';
export type { FeedStore, FeedBatch, FeedConversationInfo } from './feed-store.ts';
export { SharedFeedStore, DIRECT_LINE_CHANNEL } from './shared-feed.ts';
export { TokenSigner, TOKEN_TTL_SECONDS } from './tokens.ts';
export { registerDirectLine, DIRECT_LINE_PREFIX } from './routes.ts';
export type { DirectLineLimits } from './routes.ts';
