// WhatsApp's status as the lease holder stores it with each renewal (ChannelLease.status), read back by the other
// instances so that an admin sees the same state, pairing QR included, whichever instance answers. Pure.
import { z } from 'zod';
import type { WhatsAppStatus } from './connection.ts';

const statusSchema = z.object({
  enabled: z.boolean(),
  state: z.enum(['disabled', 'standby', 'starting', 'qr', 'authenticated', 'ready', 'disconnected', 'stopped']),
  qr: z.string().nullable(),
  reason: z.string().nullable(),
  since: z.string(),
  reconnectAt: z.string().nullable(),
  queued: z.number(),
});

/** The holder's stored status, or null when there is none or it is unreadable (an older instance's). */
export function readSharedStatus(stored: unknown): WhatsAppStatus | null {
  const parsed = statusSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}
