// STOP: a contact who answers a broadcast with STOP (or BAJA, in Spanish) is marked as not wanting broadcasts and
// is skipped from then on. The channels hand every inbound message to the conversation runtime through this
// wrapper: a STOP from a contact who has been sent a broadcast is answered with a confirmation and goes no further;
// every other message (a reply to a broadcast included) opens or continues a normal conversation.
import type { Logger } from 'pino';
import { updateContact } from '../../contacts/index.ts';
import type { Database } from '../../prisma/index.ts';
import type { ChannelGateway, InboundMessage } from '../contracts.ts';

const STOP_WORDS = {
  en: new Set(['stop', 'stop all', 'stopall', 'unsubscribe', 'opt out', 'optout']),
  es: new Set([
    'baja',
    'dar de baja',
    'darme de baja',
    'de baja',
    'parar',
    'alto',
    'no mas',
    'no mas mensajes',
    'cancelar suscripcion',
    'desuscribir',
    'desuscribirme',
  ]),
};

/** The language of a STOP reply ("STOP", "Stop.", "  baja!", "Darme de baja": the whole message, accents and case
 * ignored; invisible characters a phone keyboard or a copy-paste slips in — zero-width spaces, joiners, a byte-order
 * mark, control characters — ignored too), or null when the message is no stop word. */
function stopLanguage(text: string): 'en' | 'es' | null {
  const t = text
    .replace(/[\t\n\r]/g, ' ')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (STOP_WORDS.en.has(t)) return 'en';
  return STOP_WORDS.es.has(t) ? 'es' : null;
}

export const isStopReply = (text: string): boolean => stopLanguage(text) !== null;

export const OPT_OUT_CONFIRMATION = {
  en: 'You will not get our broadcast messages any more. You can still write to us here at any time.',
  es: 'Ya no recibirás nuestros mensajes de difusión. Puedes seguir escribiéndonos por aquí cuando quieras.',
} as const;

/** The contact behind an inbound message who has been sent a broadcast on this channel, or null. */
async function broadcastRecipientOf(db: Database, msg: InboundMessage): Promise<string | null> {
  const rows = await db.prisma.$queryRaw<{ contactId: string }[]>`
    SELECT r."contactId" FROM "BroadcastRecipient" r JOIN "Contact" c ON c.id = r."contactId"
    WHERE c."businessId" = ${msg.businessId}::uuid AND r.status IN ('sent', 'unknown') AND (
      (r.channel = 'whatsapp' AND ${msg.sender.phone ?? null}::text IS NOT NULL AND EXISTS (
        SELECT 1 FROM "Identifier" i WHERE i."businessId" = ${msg.businessId}::uuid AND i.kind = 'phone'
          AND i.value = ${msg.sender.phone ?? null}::text AND i."contactId" = c.id))
      OR (r.channel <> 'whatsapp' AND EXISTS (
        SELECT 1 FROM "Conversation" v WHERE v.id = r."conversationId" AND v.channel = ${msg.channel}
          AND v."channelConversationId" = ${msg.channelConversationId})))
    LIMIT 1`;
  return rows[0]?.contactId ?? null;
}

/** The part of the conversation runtime the channels talk to (bot/channels' ConversationPort). */
export interface InboundPort {
  handleInbound(message: InboundMessage): Promise<unknown>;
  registerGateway(channel: string, gateway: ChannelGateway): void;
}

/** Wraps the runtime's inbound side so that STOP replies to broadcasts opt the contact out. */
export function withBroadcastOptOut<P extends InboundPort>(
  runtime: P,
  options: { db: Database; logger: Logger },
): InboundPort {
  const gateways = new Map<string, ChannelGateway>();
  const log = options.logger.child({ component: 'broadcast-opt-out' });
  return {
    registerGateway(channel, gateway) {
      gateways.set(channel, gateway);
      runtime.registerGateway(channel, gateway);
    },
    async handleInbound(msg) {
      const lang = stopLanguage(msg.text);
      if (!lang) return runtime.handleInbound(msg);
      const contactId = await broadcastRecipientOf(options.db, msg);
      if (!contactId) return runtime.handleInbound(msg);
      await updateContact(options.db, msg.businessId, contactId, { broadcastOptOut: true }, { type: 'customer' });
      log.info({ contactId, channel: msg.channel }, 'contact opted out of broadcasts');
      const gateway = gateways.get(msg.channel) ?? gateways.get('*');
      await gateway?.send({
        conversationId: '',
        channel: msg.channel,
        reference: msg.reference,
        text: OPT_OUT_CONFIRMATION[lang],
        author: 'system',
      });
      return { optedOut: true, contactId };
    },
  };
}
