// The shapes the console reads from /api/v1, as TypeScript types. They are not checked again in the browser: the
// server validates every response against the zod schemas its OpenAPI document is made from, and zod in a browser
// bundle costs ~430–455 KB minified (it brings its locales and JSON-schema code whatever is imported) — more than
// React DOM. Fields that a newer server adds are optional here.

/** A typed marker for a response shape: `get('/contacts/1', contactShape)`. */
export interface Shape<T> {
  readonly shape?: T;
}
const shape = <T>(): Shape<T> => ({});

export type Author = 'customer' | 'ai' | 'agent' | 'system';
export type ConversationStatus = 'ai' | 'waiting' | 'capture' | 'followup' | 'human' | 'closed';
export const queues = ['waiting', 'mine', 'open', 'closed'] as const;
export type Queue = (typeof queues)[number];

interface AgentRef {
  id: string;
  name: string;
}

export interface Summary {
  id: string;
  channel: string;
  status: ConversationStatus;
  contact: { id: string; displayName: string; status: 'guest' | 'active' | 'archived' };
  assignedAgentId: string | null;
  assignedAgent?: AgentRef | null;
  waitingSince?: string | null;
  lastActivityAt: string;
  createdAt: string;
  closedAt: string | null;
  lastMessage: { author: Author; text: string; createdAt: string } | null;
}

export interface Message {
  id: string;
  direction: 'inbound' | 'outbound';
  author: Author;
  agentId: string | null;
  agentName?: string | null;
  text: string;
  createdAt: string;
}

export const ADDRESS_PARTS = ['line1', 'line2', 'city', 'region', 'postalCode', 'country'] as const;
export type Address = Record<(typeof ADDRESS_PARTS)[number], string | null>;

export interface Contact {
  id: string;
  status: 'guest' | 'active' | 'archived';
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
  displayName: string;
  businessName: string | null;
  email: string | null;
  phone: string | null;
  tags: { id: string; name: string }[];
  assignedAgent: AgentRef | null;
  notes: string | null;
  channel: string;
  address: Address;
  billingAddress: Address;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ConversationDetail extends Summary {
  messages: Message[];
  contactCard: Contact;
}

export interface Counts {
  waiting: number;
  mine: number;
  open: number;
  closed: number;
}
export interface Tag {
  id: string;
  name: string;
  contactCount?: number;
}
export interface Agent {
  id: string;
  name: string;
  role: 'admin' | 'agent';
}
export interface User {
  id: string;
  role: 'admin' | 'agent';
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  active: boolean;
}
export interface Business {
  id: string;
  name: string;
  slug: string;
  country: string;
  handoverTimeoutSeconds: number;
  inactivityTimeoutSeconds: number;
}
export interface AuditEntry {
  id: string;
  action: string;
  actorType: string;
  actorId: string | null;
  changes: Record<string, unknown>;
  createdAt: string;
}
export interface Session {
  token: string;
  expiresAt: string;
  user: { id: string; businessId: string; role: 'admin' | 'agent' };
}
export interface StateReply {
  id: string;
  status: ConversationStatus;
}
export interface WhatsAppStatus {
  state: string;
  qrSvg?: string | null;
  reason?: string | null;
}
export interface Webchat {
  snippet: string;
  demoUrl?: string;
}
interface RowError {
  row: number;
  column: string | null;
  code: string;
  message: string;
}
export interface PreviewRow {
  row: number;
  status: 'ok' | 'skipped' | 'error';
  values: Record<string, string | string[]>;
  errors: RowError[];
}
export interface Upload {
  id: string;
  headers: string[];
  suggestedMapping: Record<string, string | null>;
  missing: string[];
  totalRows: number;
  preview: PreviewRow[];
}
export interface ImportStatus {
  id: string;
  status: 'uploaded' | 'running' | 'completed' | 'failed';
  fileName: string;
  dryRun: boolean;
  totalRows: number;
  processedRows: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
  error: string | null;
  errors: RowError[];
}
export interface Items<T> {
  items: T[];
}

export const listOf = <T>(_item: Shape<T>): Shape<Items<T>> => ({});
export const summarySchema = shape<Summary>();
export const detailSchema = shape<ConversationDetail>();
export const contactSchema = shape<Contact>();
export const contactPageSchema = shape<{ items: Contact[]; nextCursor: string | null }>();
export const countsSchema = shape<Counts>();
export const tagSchema = shape<Tag>();
export const agentSchema = shape<Agent>();
export const userSchema = shape<User>();
export const businessSchema = shape<Business>();
export const auditSchema = shape<Items<AuditEntry>>();
export const loginSchema = shape<Session>();
export const stateReplySchema = shape<StateReply>();
export const whatsAppSchema = shape<WhatsAppStatus>();
export const webchatSchema = shape<Webchat>();
export const uploadSchema = shape<Upload>();
export const importStatusSchema = shape<ImportStatus>();
export const previewSchema = shape<{ preview: PreviewRow[] }>();
export const removedSchema = shape<{ removedFromContacts: number }>();
export const runSchema = shape<{ id: string }>();

/** A session read back from sessionStorage (anything else is no session). */
export function isSession(v: unknown): v is Session {
  const s = v as Session | null;
  return (
    typeof s?.token === 'string' &&
    typeof s.user?.id === 'string' &&
    (s.user.role === 'admin' || s.user.role === 'agent')
  );
}

export const RECIPIENT_STATUSES = ['queued', 'sending', 'sent', 'failed', 'skipped', 'cancelled', 'unknown'] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];
export interface Broadcast {
  id: string;
  message: string;
  tags: { id: string; name: string }[];
  matchAll: boolean;
  status: 'scheduled' | 'sending' | 'completed' | 'cancelled';
  scheduledAt: string;
  queuedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  createdBy: { id: string; name: string } | null;
  counts: Record<RecipientStatus | 'total', number>;
}
export interface BroadcastAudience {
  total: number;
  reachable: { total: number; byChannel: Record<string, number> };
  unreachable: { total: number; byReason: Record<'opted_out' | 'whatsapp_not_connected' | 'no_channel', number> };
  preview: { contactId: string; name: string; text: string } | null;
}
export interface Recipient {
  id: string;
  contact: { id: string; displayName: string };
  channel: string | null;
  status: RecipientStatus;
  reason: string | null;
  sentAt: string | null;
  updatedAt: string;
}
export const broadcastSchema = shape<Broadcast>();
export const audienceSchema = shape<BroadcastAudience>();
export const recipientPageSchema = shape<{ items: Recipient[]; nextCursor: string | null }>();
