// /api/v1/tags: everyone reads the tags; admins create, rename and delete them (deleting removes it from contacts).
import { z } from 'zod';
import { createTag, deleteTag, listTags, renameTag, tagNameSchema } from '../../contacts/index.ts';
import { authOf } from './auth.ts';
import { idParams, tagView } from './schemas.ts';
import type { RouteModule } from './server.ts';

const tags = ['tags'];
const body = z.object({ name: tagNameSchema });

export const tagRoutes: RouteModule = async (app, { db }) => {
  app.get(
    '/tags',
    {
      onRequest: app.authenticate,
      schema: { tags, summary: 'All tags of the business', response: { 200: z.object({ items: z.array(tagView) }) } },
    },
    async (request) => ({ items: await listTags(db, authOf(request).businessId) }),
  );
  app.post(
    '/tags',
    {
      onRequest: app.requireRole('admin'),
      schema: { tags, summary: 'Create a tag (admins)', body, response: { 201: tagView } },
    },
    async (request, reply) => {
      const auth = authOf(request);
      return reply
        .status(201)
        .send(await createTag(db, auth.businessId, request.body.name, { type: 'user', userId: auth.userId }));
    },
  );
  app.patch(
    '/tags/:id',
    {
      onRequest: app.requireRole('admin'),
      schema: { tags, summary: 'Rename a tag (admins)', params: idParams, body, response: { 200: tagView } },
    },
    async (request) => {
      const auth = authOf(request);
      return renameTag(db, auth.businessId, request.params.id, request.body.name, {
        type: 'user',
        userId: auth.userId,
      });
    },
  );
  app.delete(
    '/tags/:id',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags,
        summary: 'Delete a tag and remove it from its contacts (admins)',
        params: idParams,
        response: { 200: z.object({ removedFromContacts: z.number() }) },
      },
    },
    async (request) => {
      const auth = authOf(request);
      return deleteTag(db, auth.businessId, request.params.id, { type: 'user', userId: auth.userId });
    },
  );
};
