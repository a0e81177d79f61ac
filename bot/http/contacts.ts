// /api/v1/contacts: list and search, add, read, edit, archive (admins), restore (admins), tags, assignment, audit.
import { z } from 'zod';
import {
  archiveContact,
  assignContact,
  createContact,
  getContactAudit,
  getContactCard,
  listContacts,
  listContactsQuery,
  newContactSchema,
  contactPatchSchema,
  restoreContact,
  setContactTags,
  updateContact,
  type Actor,
} from '../../contacts/index.ts';
import { authOf, type AuthContext } from './auth.ts';
import { auditList, contactCard, contactPage, idParams } from './schemas.ts';
import type { RouteModule } from './server.ts';

const actor = (auth: AuthContext): Actor => ({ type: 'user', userId: auth.userId });
const tags = ['contacts'];

export const contactRoutes: RouteModule = async (app, { db }) => {
  app.get(
    '/contacts',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'List and search contacts (newest first)',
        description:
          'search matches names, business name and email fragments, or phone digits ("7911 123" finds +447911123456). ' +
          'status defaults to active; guests are only listed with status=guest. Pass nextCursor as cursor for the next page.',
        querystring: listContactsQuery,
        response: { 200: contactPage },
      },
    },
    async (request) => listContacts(db, authOf(request).businessId, request.query),
  );

  app.post(
    '/contacts',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'Add a contact',
        description:
          'Needs first and last name and a phone (a mobile is best) or an email. Phones without + are read in the business country.',
        body: newContactSchema,
        response: { 201: contactCard },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      return reply.status(201).send(await createContact(db, auth.businessId, request.body, actor(auth)));
    },
  );

  app.get(
    '/contacts/:id',
    {
      onRequest: app.authenticate,
      schema: { tags, summary: 'One contact', params: idParams, response: { 200: contactCard } },
    },
    async (request) => getContactCard(db, authOf(request).businessId, request.params.id),
  );

  app.patch(
    '/contacts/:id',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'Edit a contact (also an archived one: remove or change its phone to free the number)',
        params: idParams,
        body: contactPatchSchema,
        response: { 200: contactCard },
      },
    },
    async (request) => {
      const auth = authOf(request);
      return updateContact(db, auth.businessId, request.params.id, request.body, actor(auth));
    },
  );

  app.delete(
    '/contacts/:id',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags,
        summary: 'Archive a contact (admins); it keeps its identifiers',
        params: idParams,
        response: { 200: contactCard },
      },
    },
    async (request) => {
      const auth = authOf(request);
      return archiveContact(db, auth.businessId, request.params.id, actor(auth));
    },
  );

  app.post(
    '/contacts/:id/restore',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags,
        summary: 'Restore an archived contact (admins)',
        params: idParams,
        response: { 200: contactCard },
      },
    },
    async (request) => {
      const auth = authOf(request);
      return restoreContact(db, auth.businessId, request.params.id, actor(auth));
    },
  );

  app.put(
    '/contacts/:id/tags',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: "Replace the contact's tags",
        params: idParams,
        body: z.object({ tagIds: z.array(z.string()).max(100) }),
        response: { 200: contactCard },
      },
    },
    async (request) => {
      const auth = authOf(request);
      return setContactTags(db, auth.businessId, request.params.id, request.body.tagIds, actor(auth));
    },
  );

  app.put(
    '/contacts/:id/assignment',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'Assign the contact to an active agent of the business (null: unassign)',
        params: idParams,
        body: z.object({ agentId: z.string().nullable() }),
        response: { 200: contactCard },
      },
    },
    async (request) => {
      const auth = authOf(request);
      return assignContact(db, auth.businessId, request.params.id, request.body.agentId, actor(auth));
    },
  );

  app.get(
    '/contacts/:id/audit',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: "The contact's audit trail: who changed which fields, old and new values, when",
        params: idParams,
        response: { 200: auditList },
      },
    },
    async (request) => ({ items: await getContactAudit(db, authOf(request).businessId, request.params.id) }),
  );
};
