// /api/v1/users: admins list, add, edit and deactivate the business's agents and admins.
import { z } from 'zod';
import {
  createUser,
  getUser,
  listAssignableAgents,
  listUsers,
  newUserSchema,
  updateUser,
  userPatchSchema,
} from '../../contacts/index.ts';
import { authOf } from './auth.ts';
import { idParams, userView } from './schemas.ts';
import type { RouteModule } from './server.ts';

const tags = ['users'];

export const userRoutes: RouteModule = async (app, { db }) => {
  app.get(
    '/users',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags,
        summary: 'Agents and admins (admins)',
        response: { 200: z.object({ items: z.array(userView) }) },
      },
    },
    async (request) => ({ items: await listUsers(db, authOf(request).businessId) }),
  );
  app.post(
    '/users',
    {
      onRequest: app.requireRole('admin'),
      schema: { tags, summary: 'Add an agent or admin (admins)', body: newUserSchema, response: { 201: userView } },
    },
    async (request, reply) => {
      const auth = authOf(request);
      return reply
        .status(201)
        .send(await createUser(db, auth.businessId, request.body, { type: 'user', userId: auth.userId }));
    },
  );
  app.get(
    '/users/:id',
    {
      onRequest: app.requireRole('admin'),
      schema: { tags, summary: 'One agent or admin (admins)', params: idParams, response: { 200: userView } },
    },
    async (request) => getUser(db, authOf(request).businessId, request.params.id),
  );
  app.patch(
    '/users/:id',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags,
        summary: 'Edit, change the role of, or deactivate (active: false) a user (admins)',
        params: idParams,
        body: userPatchSchema,
        response: { 200: userView },
      },
    },
    async (request) => {
      const auth = authOf(request);
      return updateUser(db, auth.businessId, request.params.id, request.body, { type: 'user', userId: auth.userId });
    },
  );
  app.get(
    '/agents',
    {
      schema: {
        tags,
        summary: 'Active agents and admins one can assign a contact to (id and name only; any user)',
        response: {
          200: z.object({
            items: z.array(z.object({ id: z.string(), name: z.string(), role: z.enum(['admin', 'agent']) })),
          }),
        },
      },
    },
    async (request) => ({ items: await listAssignableAgents(db, authOf(request).businessId) }),
  );
};
