// Broadcasts: one message to the contacts of chosen tags, each on the channel it can be reached on, sent from a
// durable queue at each channel's pace, with a status for every recipient. See docs/broadcasts.md.
export { countAudience, SKIP_REASONS } from './audience.ts';
export type { AudienceCounts, AudienceFilter, SkipReason } from './audience.ts';
export {
  audienceInput,
  broadcastInput,
  previewInput,
  previewAudience,
  createBroadcast,
  cancelBroadcast,
} from './manage.ts';
export type { AudiencePreview, BroadcastInput } from './manage.ts';
export { listBroadcasts, getBroadcast, listRecipients, recipientsQuery, RECIPIENT_STATUSES } from './queries.ts';
export type { BroadcastView, RecipientView, RecipientStatus } from './queries.ts';
export { createBroadcastSender } from './sender.ts';
export type { BroadcastChannels, BroadcastSender, BroadcastSenderOptions } from './sender.ts';
export { isStopReply, withBroadcastOptOut, OPT_OUT_CONFIRMATION } from './opt-out.ts';
export type { InboundPort } from './opt-out.ts';
export { parseTemplate, renderTemplate, renderBroadcast, PLACEHOLDER_FIELDS } from './template.ts';
export { INTERRUPTED_REASON } from './queue.ts';
