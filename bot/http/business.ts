// GET /api/v1/business (any user), PATCH /api/v1/business (admins): the logged-in user's business settings.
import { z } from 'zod';
import { businessSettingsSchema, getBusiness, updateBusiness } from '../../contacts/index.ts';
import { authOf } from './auth.ts';
import type { RouteModule } from './server.ts';

export const businessView = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  country: z.string(),
  handoverTimeoutSeconds: z.number(),
  inactivityTimeoutSeconds: z.number(),
});

export const businessRoutes: RouteModule = async (app, { db }) => {
  app.get(
    '/business',
    {
      onRequest: app.authenticate,
      schema: { tags: ['business'], summary: 'Your business', response: { 200: businessView } },
    },
    async (request) => getBusiness(db, authOf(request).businessId),
  );
  app.patch(
    '/business',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags: ['business'],
        summary: 'Change settings (admins)',
        body: businessSettingsSchema,
        response: { 200: businessView },
      },
    },
    async (request) => {
      const auth = authOf(request);
      return updateBusiness(db, auth.businessId, request.body, { type: 'user', userId: auth.userId });
    },
  );
};
