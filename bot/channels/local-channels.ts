// Baton's own channels — the webchat's Direct Line server and WhatsApp — which this process serves itself, unlike
// the Bot Framework channels that Azure's connector serves. A reply finds its adapter here, by a typed key.
import type { BotAdapter } from 'botbuilder';

/** The account Baton's bot speaks as on its own channels. */
export const BOT_ACCOUNT = { id: 'baton', name: 'Baton', role: 'bot' } as const;

/**
 * The pseudo serviceUrl each of Baton's channels stamps on its activities. It is stored in every conversation's
 * reference (the database keeps it), so a value here never changes.
 */
export const LOCAL_SERVICE_URLS = {
  directline: 'baton://directline',
  whatsapp: 'baton://whatsapp',
} as const;

export type LocalChannel = keyof typeof LOCAL_SERVICE_URLS;

/** The adapters of Baton's own channels in this process, by channel; WhatsApp only when BATON_WHATSAPP=1. */
export class LocalAdapters {
  private readonly adapters = new Map<LocalChannel, BotAdapter>();

  set(channel: LocalChannel, adapter: BotAdapter): this {
    this.adapters.set(channel, adapter);
    return this;
  }

  /** The adapter for a reference's serviceUrl, when it names one of Baton's channels served here. */
  get(serviceUrl: string): BotAdapter | undefined {
    const channel = localChannelOf(serviceUrl);
    return channel ? this.adapters.get(channel) : undefined;
  }
}

/** Which of Baton's own channels a reference's serviceUrl names, if any. */
export function localChannelOf(serviceUrl: string | undefined): LocalChannel | undefined {
  for (const channel of Object.keys(LOCAL_SERVICE_URLS) as LocalChannel[]) {
    if (LOCAL_SERVICE_URLS[channel] === serviceUrl) return channel;
  }
  return undefined;
}
