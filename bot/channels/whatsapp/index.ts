// WhatsApp through whatsapp-web.js, as a botbuilder channel adapter.
export { WhatsAppAdapter, WHATSAPP_SERVICE_URL } from './adapter.ts';
export type { WhatsAppSender } from './adapter.ts';
export { WhatsAppConnection } from './connection.ts';
export type { WhatsAppClientLike, WhatsAppState, WhatsAppStatus } from './connection.ts';
export { skipReason, messageText, senderE164 } from './message.ts';
export type { WhatsAppMessageLike, SkipReason } from './message.ts';
export { createSendQueue } from './send-queue.ts';
export type { SendQueue } from './send-queue.ts';
export { createWebJsClient, clearWebJsSession, sessionDir, printQrInTerminal, CHROMIUM_ARGS } from './web-client.ts';
export { registerWhatsAppStatusRoute } from './routes.ts';
export { ChannelLease, DEFAULT_LEASE_TTL_MS } from './lease.ts';
export { readSharedStatus } from './shared-status.ts';
export type { ChannelLeaseOptions, ChannelLeaseState } from './lease.ts';
export { plainReason } from './reason.ts';
