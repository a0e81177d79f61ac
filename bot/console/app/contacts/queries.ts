// Contact reads shared by the panel and the contact page.
import { useQuery } from '@tanstack/react-query';
import { get, isMissingEndpoint } from '../shared/api.ts';
import { auditSchema, contactSchema, listOf, summarySchema } from '../shared/schemas.ts';

export const useContact = (id: string | undefined) =>
  useQuery({ queryKey: ['contact', id], queryFn: () => get(`/contacts/${id}`, contactSchema), enabled: Boolean(id) });

/** The contact's conversations, newest first; `null` on a server without the endpoint yet. */
export const useContactConversations = (id: string | undefined) =>
  useQuery({
    queryKey: ['contact-conversations', id],
    enabled: Boolean(id),
    queryFn: async () => {
      try {
        return (await get(`/contacts/${id}/conversations`, listOf(summarySchema))).items;
      } catch (e) {
        if (isMissingEndpoint(e)) return null;
        throw e;
      }
    },
  });

export const useAudit = (id: string | undefined) =>
  useQuery({ queryKey: ['audit', id], queryFn: () => get(`/contacts/${id}/audit`, auditSchema), enabled: Boolean(id) });
