// GET /api/v1/contacts/export.csv (admins): the contacts the list would show, as CSV with the canonical columns,
// re-importable as is, cells neutralised against spreadsheet formula injection.
import { Readable } from 'node:stream';
import { z } from 'zod';
import { exportCsv } from '../../contacts/index.ts';
import { authOf } from './auth.ts';
import type { RouteModule } from './server.ts';

export const exportRoutes: RouteModule = async (app, { db }) => {
  app.get(
    '/contacts/export.csv',
    {
      preHandler: app.requireRole('admin'),
      schema: {
        tags: ['contacts'],
        summary: 'Export contacts as CSV (same filters as the list; admins)',
        querystring: z.object({
          search: z.string().trim().max(200).optional(),
          tag: z.string().trim().max(100).optional(),
          status: z.enum(['active', 'archived', 'guest']).optional(),
        }),
      },
    },
    async (request, reply) => {
      const { businessId } = authOf(request);
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', 'attachment; filename="contacts.csv"');
      return reply.send(Readable.from(exportCsv(db, businessId, request.query)));
    },
  );
};
