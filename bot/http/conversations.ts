// /api/v1/conversations: the agents' side of the conversation runtime. Queues and their counts, one conversation
// with its messages and contact, claim (409 when another agent has it), reply, typing, transfer, close, reopen, a
// contact's conversations, and a live stream (SSE).
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { DomainError, multilineText } from '../../contacts/index.ts';
import {
  assertConversationOf,
  conversationQueues,
  countConversations,
  getConversation,
  listContactConversations,
  listConversations,
  type ConversationRuntime,
  type RuntimeEvent,
} from '../../workflows/index.ts';
import { authOf } from './auth.ts';
import { eventStreamWriter, eventText, type EventStreamWriter } from './event-stream.ts';
import { idParams } from './schemas.ts';
import type { RouteModule } from './server.ts';

const tags = ['conversations'];
const statuses = ['ai', 'waiting', 'capture', 'followup', 'human', 'closed'] as const;

const message = z.object({
  id: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  author: z.enum(['customer', 'ai', 'agent', 'system']),
  agentId: z.string().nullable(),
  agentName: z.string().nullable().describe('the agent who wrote it ("Sam Agent"); null for customer, AI and system'),
  text: z.string(),
  createdAt: z.string(),
});

const summary = z.object({
  id: z.string(),
  channel: z.string(),
  status: z.enum(statuses),
  contact: z.object({ id: z.string(), displayName: z.string(), status: z.enum(['guest', 'active', 'archived']) }),
  assignedAgentId: z.string().nullable().describe('the agent who claimed it, or the contact’s assigned agent'),
  assignedAgent: z
    .object({ id: z.string(), name: z.string() })
    .nullable()
    .describe('the same agent with their name, or null'),
  waitingSince: z
    .string()
    .nullable()
    .describe('when it was handed over and not yet claimed (status waiting, capture or followup); null otherwise'),
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
          'waiting: handed over and not claimed (waiting, capture, followup; yours first, then the oldest waitingSince first); mine: assigned to you and open; open: not closed, latest activity first; closed: latest closed first.',
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

  app.get(
    '/conversations/counts',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'How many conversations each queue holds for you (the console’s tab counts)',
        response: {
          200: z.object({ waiting: z.number(), mine: z.number(), open: z.number(), closed: z.number() }),
        },
      },
    },
    async (request) => {
      const auth = authOf(request);
      return countConversations(db, { businessId: auth.businessId, userId: auth.userId });
    },
  );

  app.get(
    '/contacts/:id/conversations',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'A contact’s conversations, newest first (the latest 50)',
        params: idParams,
        response: { 200: z.object({ items: z.array(summary) }) },
      },
    },
    async (request) => ({
      items: await listContactConversations(db, {
        businessId: authOf(request).businessId,
        contactId: request.params.id,
      }),
    }),
  );

  // Server-sent events: `conversation` (queue changes) and `message` events of the caller's business.
  const streams = new Map<ServerResponse, EventStreamWriter>();
  app.addHook('preClose', async () => {
    for (const [s, writer] of streams) {
      writer.flush();
      s.end();
    }
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
          'Events: `conversation` {conversationId, status, assignedAgentId, reason: opened|handover|capture|followup|claimed (also a transfer from the queue, and a reopen)|transferred (between agents)|closed} and `message` {conversationId, message}. A comment line every 15 s keeps the connection open. Send the bearer token in the Authorization header (use fetch streaming rather than EventSource).',
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
      // events within SSE_FLUSH_MS of each other share one write (event-stream.ts)
      const writer = eventStreamWriter(res);
      streams.set(res, writer);
      const unsubscribe = rt.subscribe((event: RuntimeEvent) => {
        if (event.businessId === auth.businessId) writer.send(eventText(event));
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
    '/conversations/:id/typing',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary:
          'You are typing: the customer sees a typing indicator for a few seconds (call every ~3 s while typing)',
        description:
          'Webchat shows the indicator with your first name; WhatsApp shows the chat as typing. 409 when the conversation is closed or another agent has it.',
        params: idParams,
        response: { 204: z.null().describe('no content') },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      await assertConversationOf(db, auth.businessId, request.params.id);
      await runtime().typing(request.params.id, auth.userId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/conversations/:id/transfer',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'Hand the conversation to another agent (an admin may take over any open conversation)',
        description:
          'An agent may transfer a conversation they hold or one nobody holds; an admin any open one (taking over = transferring to yourself). 409 CONFLICT when closed, or (for an agent) when another agent has it; 404 for an unknown or inactive agent.',
        params: idParams,
        body: z.object({ agentId: z.string().describe('the agent or admin who takes it') }),
        response: { 200: stateReply },
      },
    },
    async (request) => {
      const auth = authOf(request);
      await assertConversationOf(db, auth.businessId, request.params.id);
      const agentId = request.body.agentId;
      if (!z.uuid().safeParse(agentId).success) throw new DomainError('NOT_FOUND', 'no such agent', 'agentId');
      const status = await runtime().transfer(request.params.id, { userId: auth.userId, role: auth.role }, agentId);
      return { id: request.params.id, status };
    },
  );

  app.post(
    '/conversations/:id/close',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'Close a conversation: the customer is told in the chat (in their language); a detail capture stops',
        params: idParams,
        response: { 200: stateReply },
      },
    },
    async (request) => {
      const auth = authOf(request);
      await assertConversationOf(db, auth.businessId, request.params.id);
      return { id: request.params.id, status: await runtime().close(request.params.id, auth.userId) };
    },
  );

  app.post(
    '/conversations/:id/reopen',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'Reopen a closed conversation: it is yours (status human); the customer is not messaged',
        description:
          '409 CONFLICT when it is not closed, or when the customer has written again since (their newer conversation is open).',
        params: idParams,
        response: { 200: stateReply },
      },
    },
    async (request) => {
      const auth = authOf(request);
      await assertConversationOf(db, auth.businessId, request.params.id);
      return { id: request.params.id, status: await runtime().reopen(request.params.id, auth.userId) };
    },
  );
};
