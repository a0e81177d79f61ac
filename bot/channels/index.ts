// Public entry of Baton's channels, also the package export `baton/bot` for developers who mount Baton in their
// own Bot Framework bot (see docs/channels.md).
export { BatonBot, BatonMiddleware, handleMessageTurn } from './baton-bot.ts';
export type { BatonBotOptions } from './baton-bot.ts';
export { inboundFromActivity, MEDIA_PLACEHOLDER, MAX_TEXT } from './inbound-from-activity.ts';
export { createBotFrameworkAdapter, checkBotFrameworkConfig, registerBotFrameworkRoute } from './bot-framework.ts';
export type { BotFrameworkAdapter, BotFrameworkConfig } from './bot-framework.ts';
export { createChannelGateway } from './gateway.ts';
export { createChannels } from './create-channels.ts';
export type { Channels, ChannelsConfig, ChannelsOptions } from './create-channels.ts';
export { BUSINESS_ID, SENDER_PHONE } from './turn-state.ts';
export type { BusinessResolver, ChannelGateway, ConversationPort, InboundMessage, OutboundMessage } from './ports.ts';
export * as directLine from './directline/index.ts';
export * as whatsapp from './whatsapp/index.ts';
export { createBusinessResolver } from './business-resolver.ts';
