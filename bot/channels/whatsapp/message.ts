// Pure: what Baton does with one whatsapp-web.js message (shapes as in the library's typings).
import { normalizePhone } from '../../../contacts/index.ts';

/** The fields of whatsapp-web.js's Message that Baton reads. */
export interface WhatsAppMessageLike {
  from: string;
  body: string;
  fromMe: boolean;
  isStatus: boolean;
  broadcast?: boolean;
  type: string;
  hasMedia: boolean;
  timestamp?: number;
  id?: { _serialized?: string };
  getContact(): Promise<{ pushname?: string; number?: string; name?: string }>;
  getChat(): Promise<{ isGroup: boolean }>;
}

export type SkipReason = 'own_message' | 'status_broadcast' | 'broadcast' | 'group' | 'newsletter' | 'system';

/** Message types that are not something a person wrote (notifications, revoked, protocol messages). */
const SYSTEM_TYPES = new Set([
  'e2e_notification',
  'notification',
  'notification_template',
  'gp2',
  'broadcast_notification',
  'call_log',
  'protocol',
  'revoked',
  'ciphertext',
  'debug',
]);

const MEDIA_LABELS: Record<string, string> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  ptt: 'voice message',
  document: 'document',
  sticker: 'sticker',
  location: 'location',
  vcard: 'contact card',
  multi_vcard: 'contact cards',
};

/** Why a message is ignored, from its own fields (no I/O). Group chats are also caught later by getChat(). */
export function skipReason(
  message: Pick<WhatsAppMessageLike, 'from' | 'fromMe' | 'isStatus' | 'broadcast' | 'type'>,
): SkipReason | null {
  if (message.fromMe) return 'own_message';
  if (message.isStatus || message.from === 'status@broadcast') return 'status_broadcast';
  if (message.broadcast || message.from.endsWith('@broadcast')) return 'broadcast';
  if (message.from.endsWith('@g.us')) return 'group';
  if (message.from.endsWith('@newsletter')) return 'newsletter';
  if (SYSTEM_TYPES.has(message.type)) return 'system';
  return null;
}

/** The text Baton records: the body, or a placeholder naming the media (with its caption, if any). */
export function messageText(message: Pick<WhatsAppMessageLike, 'body' | 'type' | 'hasMedia'>): string {
  const body = (message.body ?? '').trim();
  const label = MEDIA_LABELS[message.type] ?? (message.hasMedia ? 'media' : undefined);
  if (!label) return body;
  // For media, whatsapp-web.js puts the caption in body (for some types it is base64 data: never record that).
  const caption = message.type === 'image' || message.type === 'video' || message.type === 'document' ? body : '';
  return caption ? `[${label}] ${caption}` : `[${label}]`;
}

/** The sender's number as E.164, from the contact's number or else the chat id (447700900123@c.us). */
export function senderE164(contactNumber: string | undefined, from: string): string | undefined {
  for (const candidate of [contactNumber, from.endsWith('@c.us') ? from.slice(0, -'@c.us'.length) : undefined]) {
    const digits = candidate?.replace(/\D/g, '');
    if (!digits) continue;
    const result = normalizePhone(`+${digits}`, 'GB'); // with '+', the default country plays no part
    if (result.ok) return result.e164;
  }
  return undefined;
}
