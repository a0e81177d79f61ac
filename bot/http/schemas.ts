// Response shapes of the contacts API, for validation of what we send and for the OpenAPI document.
import { z } from 'zod';

export const idParams = z.object({ id: z.string().describe('the id (an id of another business answers 404)') });

const address = z.object({
  line1: z.string().nullable(),
  line2: z.string().nullable(),
  city: z.string().nullable(),
  region: z.string().nullable(),
  postalCode: z.string().nullable(),
  country: z.string().nullable(),
});

export const contactCard = z.object({
  id: z.string(),
  status: z.enum(['guest', 'active', 'archived']),
  firstName: z.string().nullable(),
  middleName: z.string().nullable(),
  lastName: z.string().nullable(),
  displayName: z
    .string()
    .describe('"Jane Smith"; a guest\'s pseudonym; "Name unknown (Guest Rapid Wren)" while nameUnknown'),
  nameUnknown: z.boolean().describe('saved from a chat without a real name; false once a name is filled in'),
  businessName: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable().describe('E.164'),
  tags: z.array(z.object({ id: z.string(), name: z.string() })),
  assignedAgent: z.object({ id: z.string(), name: z.string() }).nullable(),
  notes: z.string().nullable(),
  broadcastOptOut: z.boolean().describe('skipped by broadcasts (answered STOP, or set by an agent)'),
  channel: z.string(),
  address,
  billingAddress: address,
  archivedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const contactPage = z.object({ items: z.array(contactCard), nextCursor: z.string().nullable() });

export const auditList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      action: z.string(),
      actorType: z.string(),
      actorId: z.string().nullable(),
      changes: z.record(z.string(), z.unknown()),
      createdAt: z.string(),
    }),
  ),
});

export const tagView = z.object({ id: z.string(), name: z.string(), contactCount: z.number() });

export const userView = z.object({
  id: z.string(),
  role: z.enum(['admin', 'agent']),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  active: z.boolean(),
});

export const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
