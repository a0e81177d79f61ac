// /api/v1/broadcasts (admins): one message to the contacts of chosen tags, on the channel each can be reached on,
// with a status for every recipient. The audience (counts, and a preview for one real recipient) before sending;
// send now or at a chosen time; the list; one with its counts; its recipients by status; cancel.
import { z } from 'zod';
import {
  broadcastInput,
  cancelBroadcast,
  createBroadcast,
  getBroadcast,
  listBroadcasts,
  listRecipients,
  previewAudience,
  previewInput,
  RECIPIENT_STATUSES,
  recipientsQuery,
} from '../../workflows/index.ts';
import { authOf } from './auth.ts';
import { idParams } from './schemas.ts';
import type { RouteModule } from './server.ts';

const tags = ['broadcasts'];
const count = z.number().int();

const audience = z.object({
  total: count.describe('active contacts having the tags'),
  reachable: z.object({
    total: count,
    byChannel: z.record(z.string(), count).describe('whatsapp, webchat, msteams, …'),
  }),
  unreachable: z.object({
    total: count,
    byReason: z.object({ opted_out: count, whatsapp_not_connected: count, no_channel: count }),
  }),
  preview: z
    .object({ contactId: z.string(), name: z.string(), text: z.string() })
    .nullable()
    .describe('the message as one real recipient would get it (when a message was given)'),
});

const view = z.object({
  id: z.string(),
  message: z.string(),
  tags: z.array(z.object({ id: z.string(), name: z.string() })),
  matchAll: z.boolean(),
  status: z.enum(['scheduled', 'sending', 'completed', 'cancelled']),
  scheduledAt: z.string(),
  queuedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  counts: z.object({ total: count, ...Object.fromEntries(RECIPIENT_STATUSES.map((s) => [s, count])) }),
});

const recipient = z.object({
  id: z.string(),
  contact: z.object({ id: z.string(), displayName: z.string() }),
  channel: z.string().nullable(),
  status: z.enum(RECIPIENT_STATUSES),
  reason: z.string().nullable(),
  sentAt: z.string().nullable(),
  updatedAt: z.string(),
});

export const broadcastRoutes: RouteModule = async (app, deps) => {
  const { db } = deps;
  const whatsappReady = () => deps.channels?.channels.broadcastChannels.whatsappReady() ?? false;

  app.post(
    '/broadcasts/audience',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags,
        summary: 'How many contacts a broadcast would reach, on which channel, and why the others not (admins)',
        body: previewInput,
        response: { 200: audience },
      },
    },
    async (request) => previewAudience(db, authOf(request).businessId, request.body, whatsappReady()),
  );
  app.post(
    '/broadcasts',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags,
        summary: 'Send a broadcast now, or at `at` (admins)',
        body: broadcastInput,
        response: { 201: view },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const { id } = await createBroadcast(db, auth.businessId, request.body, auth.userId);
      return reply.status(201).send(await getBroadcast(db, auth.businessId, id));
    },
  );
  app.get(
    '/broadcasts',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags,
        summary: 'Broadcasts, newest first (admins)',
        response: { 200: z.object({ items: z.array(view) }) },
      },
    },
    async (request) => ({ items: await listBroadcasts(db, authOf(request).businessId) }),
  );
  app.get(
    '/broadcasts/:id',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags,
        summary: 'One broadcast with its recipients counted by status',
        params: idParams,
        response: { 200: view },
      },
    },
    async (request) => getBroadcast(db, authOf(request).businessId, request.params.id),
  );
  app.get(
    '/broadcasts/:id/recipients',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags,
        summary: 'Its recipients, each with its status and reason, paged (admins)',
        params: idParams,
        querystring: recipientsQuery,
        response: { 200: z.object({ items: z.array(recipient), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => listRecipients(db, authOf(request).businessId, request.params.id, request.query),
  );
  app.post(
    '/broadcasts/:id/cancel',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags,
        summary: 'Cancel it: recipients not yet sent are marked cancelled (admins)',
        params: idParams,
        response: { 200: view },
      },
    },
    async (request) => {
      const auth = authOf(request);
      await cancelBroadcast(db, auth.businessId, request.params.id);
      return getBroadcast(db, auth.businessId, request.params.id);
    },
  );
};
