// /api/v1/conversations: the agents' side of the conversation runtime. Queues, one conversation with its
// messages and contact, claim (409 when another agent has it), reply, close, and a live stream (SSE).
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { multilineText } from '../../contacts/index.ts';
import {
  assertConversationOf,
  conversationQueues,
  getConversation,
  listConversations,
  type ConversationRuntime,
  type RuntimeEvent,
} from '../../workflows/index.ts';
import { authOf } from './auth.ts';
import { idParams } from './schemas.ts';
import type { RouteModule } from './server.ts';

const tags = ['conversations'];
const statuses = ['ai', 'waiting', 'capture', 'followup', 'human', 'closed'] as const;

const message = z.object({
  id: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  author: z.enum(['customer', 'ai', 'agent', 'system']),
  agentId: z.string().nullable(),
  text: z.string(),
  createdAt: z.string(),
});

const summary = z.object({
  id: z.string(),
  channel: z.string(),
  status: z.enum(statuses),
  contact: z.object({ id: z.string(), displayName: z.string(), status: z.enum(['guest', 'active', 'archived']) }),
  assignedAgentId: z.string().nullable().describe('the agent who claimed it, or the contact’s assigned agent'),
  lastActivityAt: z.string(),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
  lastMessage: z
    .object({ author: z.enum(['customer', 'ai', 'agent', 'system']), text: z.string(), createdAt: z.string() })
    .nullable(),
});

const detail = summary.extend({
  messages: z.array(message).describe('oldest first (the latest 500)'),
  contactCard: z.record(z.string(), z.unknown()).describe('the contact card, as GET /contacts/:id'),
});

const stateReply = z.object({ id: z.string(), status: z.enum(statuses) });

export const SSE_HEARTBEAT_MS = 15_000;

export const conversationRoutes: RouteModule = async (app, deps) => {
  const { db } = deps;
  const runtime = (): ConversationRuntime => {
    if (!deps.conversations) throw new Error('the conversation runtime is not wired into the HTTP server');
    return deps.conversations;
  };

  app.get(
    '/conversations',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'A queue of conversations',
        description:
          'waiting: handed over and not claimed (waiting, capture, followup; yours first); mine: assigned to you and open; open: not closed; closed.',
        querystring: z.object({
          status: z.enum(conversationQueues).default('open'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ items: z.array(summary) }) },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const items = await listConversations(db, {
        businessId: auth.businessId,
        userId: auth.userId,
        queue: request.query.status,
        limit: request.query.limit,
      });
      return { items };
    },
  );

  // Server-sent events: `conversation` (queue changes) and `message` events of the caller's business.
  const streams = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const s of streams) s.end();
    streams.clear();
  });
  app.get(
    '/conversations/events',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'Live stream (text/event-stream) of queue changes and messages',
        description:
          'Events: `conversation` {conversationId, status, assignedAgentId, reason} and `message` {conversationId, message}. A comment line every 15 s keeps the connection open. Send the bearer token in the Authorization header (use fetch streaming rather than EventSource).',
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const rt = runtime();
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`event: ready\ndata: ${JSON.stringify({ businessId: auth.businessId })}\n\n`);
      streams.add(res);
      const unsubscribe = rt.subscribe((event: RuntimeEvent) => {
        if (event.businessId !== auth.businessId) return;
        const { type, businessId: _businessId, ...data } = event;
        res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      });
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), SSE_HEARTBEAT_MS);
      heartbeat.unref();
      const done = () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(res);
      };
      res.on('close', done);
      res.on('error', done);
    },
  );

  app.get(
    '/conversations/:id',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'One conversation with its messages and contact',
        params: idParams,
        response: { 200: detail },
      },
    },
    async (request) => {
      const conversation = await getConversation(db, authOf(request).businessId, request.params.id);
      return { ...conversation, contactCard: { ...conversation.contactCard } };
    },
  );

  app.post(
    '/conversations/:id/claim',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary:
          'Claim a conversation: the AI falls silent, your messages reach the customer (409 if another agent has it)',
        params: idParams,
        response: { 200: stateReply },
      },
    },
    async (request) => {
      const auth = authOf(request);
      await assertConversationOf(db, auth.businessId, request.params.id);
      return { id: request.params.id, status: await runtime().claim(request.params.id, auth.userId) };
    },
  );

  app.post(
    '/conversations/:id/messages',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'Send a message to the customer (claims the conversation if nobody has; 409 if another agent has it)',
        params: idParams,
        body: z.object({
          text: multilineText(4000).min(1, 'must not be empty'),
        }),
        response: { 201: stateReply },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      await assertConversationOf(db, auth.businessId, request.params.id);
      const status = await runtime().agentMessage(request.params.id, auth.userId, request.body.text);
      return reply.status(201).send({ id: request.params.id, status });
    },
  );

  app.post(
    '/conversations/:id/close',
    {
      onRequest: app.authenticate,
      schema: { tags, summary: 'Close a conversation', params: idParams, response: { 200: stateReply } },
    },
    async (request) => {
      const auth = authOf(request);
      await assertConversationOf(db, auth.businessId, request.params.id);
      return { id: request.params.id, status: await runtime().close(request.params.id, auth.userId) };
    },
  );
};
