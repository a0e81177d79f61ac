// GET /api/v1/contacts/export.csv (admins): the contacts the list would show, as CSV with the canonical columns,
// re-importable as is, cells neutralised against spreadsheet formula injection.
import { z } from 'zod';
import { exportCsv, listContactsQuery } from '../../contacts/index.ts';
import { authOf } from './auth.ts';
import type { RouteModule } from './server.ts';
import { streamAfterFirst } from './streaming.ts';

export const exportRoutes: RouteModule = async (app, { db }) => {
  app.get(
    '/contacts/export.csv',
    {
      preHandler: app.requireRole('admin'),
      schema: {
        tags: ['contacts'],
        summary: 'Export contacts as CSV (same filters as the list; admins)',
        description:
          'The filters are checked and the first page is read before anything is sent (a bad filter answers 400). ' +
          'A failure after that ends the response without its last chunk, so the client sees a failed download.',
        querystring: listContactsQuery.pick({ search: true, tag: true }).extend({
          status: z.enum(['active', 'archived', 'guest']).optional(),
        }),
      },
    },
    async (request, reply) => {
      const { businessId } = authOf(request);
      // The header line and the first page, before the status is sent.
      const csv = await streamAfterFirst(exportCsv(db, businessId, request.query), 2);
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', 'attachment; filename="contacts.csv"');
      return reply.send(csv);
    },
  );
};
