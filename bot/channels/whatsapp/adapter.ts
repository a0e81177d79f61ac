// WhatsApp as a botbuilder channel adapter: whatsapp-web.js messages become message activities run through the
// same middleware and bot as every other channel; the bot's replies go out through a paced send queue, and a reply
// counts as delivered (its outbox effect done) only once whatsapp-web.js has sent it, not when it was queued.
import { TurnContext, type Activity, type ResourceResponse } from 'botbuilder';
import { ChannelUnavailableError } from '../../../workflows/index.ts';
import { BatonChannelAdapter } from '../baton-adapter.ts';
import { agentNameOf, withAgentName } from '../agent-name.ts';
import type { Logger } from 'pino';
import type { BatonChannelData } from '../gateway.ts';
import { BOT_ACCOUNT, LOCAL_SERVICE_URLS } from '../local-channels.ts';
import { BUSINESS_ID, SENDER_PHONE } from '../turn-state.ts';
import { messageText, senderE164, skipReason, type WhatsAppMessageLike } from './message.ts';
import type { SendQueue } from './send-queue.ts';

export const WHATSAPP_SERVICE_URL = LOCAL_SERVICE_URLS.whatsapp;

/** The part of whatsapp-web.js's Client the adapter uses. */
export interface WhatsAppSender {
  sendMessage(chatId: string, content: string): Promise<unknown>;
  /** whatsapp-web.js: the WhatsApp id of a number (digits, no +), or null when the number is not on WhatsApp */
  getNumberId?(number: string): Promise<{ _serialized: string } | null>;
  /** whatsapp-web.js: the chat, to show it as typing (`sendStateTyping`) and stop (`clearState`) */
  getChatById?(chatId: string): Promise<{ sendStateTyping(): Promise<unknown>; clearState(): Promise<unknown> }>;
}

/** How long the chat shows "typing…" after the last typing activity (WhatsApp itself would keep it ~25 s). */
export const WHATSAPP_TYPING_MS = 6_000;

export interface WhatsAppAdapterOptions {
  queue: SendQueue;
  defaultBusinessId: () => Promise<string>;
  logger: Logger;
}

/** How many keys of messages sent lately the adapter remembers, to drop a second send of the same one. */
export const REMEMBERED_SENDS = 2_000;

export class WhatsAppAdapter extends BatonChannelAdapter {
  private sender: WhatsAppSender | undefined;
  private sent = 0;
  /** sends queued or under way, by the stored message's key: a second delivery of one waits for the first */
  private readonly sending = new Map<string, Promise<void>>();
  /** keys of the messages sent lately (oldest first): a delivery retried after it was sent is not sent again */
  private readonly sentKeys = new Set<string>();
  /** chats shown as typing, each with the timer that clears it */
  private readonly typing = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: WhatsAppAdapterOptions) {
    super({
      update: 'WhatsApp: editing a sent message is not supported',
      delete: 'WhatsApp: deleting a sent message is not supported',
    });
  }

  /** The client that sends (replaced when the connection re-creates it). */
  useSender(sender: WhatsAppSender | undefined): void {
    this.sender = sender;
  }

  /**
   * One incoming whatsapp-web.js message (the client's `message` event). Resolves once the turn is done;
   * never rejects: a bad message is logged and dropped, so the client's event loop is never broken.
   */
  async receive(message: WhatsAppMessageLike, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    try {
      const skip = skipReason(message);
      if (skip) {
        this.options.logger.debug({ reason: skip }, 'whatsapp message ignored');
        return;
      }
      const chat = await message.getChat();
      if (chat.isGroup) {
        this.options.logger.debug({ reason: 'group' }, 'whatsapp message ignored');
        return;
      }
      const text = messageText(message);
      if (!text) return;
      const contact = await message.getContact().catch(() => ({}) as { pushname?: string; number?: string });
      const phone = senderE164(contact.number, message.from);
      const activity: Partial<Activity> = {
        type: 'message',
        id: message.id?._serialized,
        channelId: 'whatsapp',
        serviceUrl: WHATSAPP_SERVICE_URL,
        conversation: { id: message.from } as Activity['conversation'],
        from: { id: message.from, name: contact.pushname?.trim() || '', role: 'user' },
        recipient: { ...BOT_ACCOUNT },
        text,
        textFormat: 'plain',
        timestamp: message.timestamp ? new Date(message.timestamp * 1000) : new Date(),
      };
      const context = new TurnContext(this, activity);
      context.turnState.set(BUSINESS_ID, await this.options.defaultBusinessId());
      if (phone) context.turnState.set(SENDER_PHONE, phone);
      await this.runMiddleware(context, logic);
    } catch (err) {
      this.options.logger.error({ err }, 'whatsapp message failed');
    }
  }

  /**
   * Sends to a number outside a turn (broadcasts), through the same paced queue as replies, so the total pace
   * holds. Resolves once the message has left; rejects with a plain reason (not connected, not on WhatsApp).
   */
  async sendToNumber(phoneE164: string, text: string): Promise<void> {
    await this.options.queue.enqueue(async () => {
      const sender = this.sender;
      if (!sender) throw new Error('WhatsApp is not connected');
      const digits = phoneE164.replace(/^\+/, '');
      const id = sender.getNumberId ? await sender.getNumberId(digits) : { _serialized: `${digits}@c.us` };
      if (!id) throw new Error('this number is not on WhatsApp');
      await sender.sendMessage(id._serialized, text);
    });
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const chatId = context.activity.conversation?.id;
    if (!chatId) throw new Error('WhatsApp: the turn has no chat id');
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === 'typing') {
        await this.showTyping(chatId);
        responses.push({ id: '' });
        continue;
      }
      if (activity.type !== 'message' || !activity.text) {
        responses.push({ id: '' }); // delays, cards: nothing to send on WhatsApp
        continue;
      }
      this.stopTyping(chatId);
      const text = withAgentName(activity.text, agentNameOf(activity));
      const key = (activity.channelData as BatonChannelData | undefined)?.batonMessageId;
      // Awaited through the pace: the delivery is done once WhatsApp took the message, and fails (to be retried by
      // the runtime's outbox) when it could not be sent.
      await this.sendOnce(key, chatId, text);
      responses.push({ id: `wa-out-${++this.sent}` });
    }
    return responses;
  }

  /**
   * Sends one message through the paced queue, keyed by the stored message's id when it has one: a delivery of a
   * message being sent waits for that send, and one of a message sent lately is not sent again. WhatsApp itself
   * knows no such key, so after a crash between the send and the outbox recording it, the restart sends it again
   * (at least once: a repeat is possible in that moment, a loss is not).
   */
  private async sendOnce(key: string | undefined, chatId: string, text: string): Promise<void> {
    if (key && this.sentKeys.has(key)) {
      this.options.logger.debug({ reason: 'already sent' }, 'whatsapp send skipped');
      return;
    }
    const running = key ? this.sending.get(key) : undefined;
    if (running) return running;
    const send = this.options.queue.enqueue(async () => {
      // not connected (reconnecting, or starting): the runtime keeps the reply and sends it once WhatsApp is back
      if (!this.sender) throw new ChannelUnavailableError('whatsapp', 'WhatsApp is not connected');
      await this.sender.sendMessage(chatId, text);
    });
    if (!key) return send;
    this.sending.set(key, send);
    try {
      await send;
      this.sentKeys.add(key);
      if (this.sentKeys.size > REMEMBERED_SENDS) this.sentKeys.delete(this.sentKeys.values().next().value as string);
    } finally {
      this.sending.delete(key);
    }
  }

  /** Shows the chat as typing for WHATSAPP_TYPING_MS after the last call (only while someone types). */
  private async showTyping(chatId: string): Promise<void> {
    const sender = this.sender;
    if (!sender?.getChatById) return;
    const already = this.typing.get(chatId);
    if (already) clearTimeout(already);
    const timer = setTimeout(() => this.stopTyping(chatId), WHATSAPP_TYPING_MS);
    timer.unref();
    this.typing.set(chatId, timer);
    try {
      await (await sender.getChatById(chatId)).sendStateTyping();
    } catch (err) {
      this.options.logger.debug({ err }, 'whatsapp typing state not sent');
    }
  }

  private stopTyping(chatId: string): void {
    const timer = this.typing.get(chatId);
    if (!timer) return;
    clearTimeout(timer);
    this.typing.delete(chatId);
    const sender = this.sender;
    if (!sender?.getChatById) return;
    void sender
      .getChatById(chatId)
      .then((chat) => chat.clearState())
      .catch((err: unknown) => this.options.logger.debug({ err }, 'whatsapp typing state not cleared'));
  }
}
