// Server state shared by several screens, through TanStack Query.
import { useQuery } from '@tanstack/react-query';
import { ApiError, get, getSession } from './api.ts';
import {
  agentSchema,
  businessSchema,
  countsSchema,
  listOf,
  queues,
  summarySchema,
  tagSchema,
  type Counts,
} from './schemas.ts';

export const useAgents = () =>
  useQuery({ queryKey: ['agents'], queryFn: () => get('/agents', listOf(agentSchema)), staleTime: 60_000 });
export const useTags = () => useQuery({ queryKey: ['tags'], queryFn: () => get('/tags', listOf(tagSchema)) });
export const useBusiness = () => useQuery({ queryKey: ['business'], queryFn: () => get('/business', businessSchema) });

let countsEndpointMissing = false;
/** The four queue counts: GET /conversations/counts, or on a server without it, the lengths of the four queues. */
async function fetchCounts(): Promise<Counts> {
  if (!countsEndpointMissing) {
    try {
      return await get('/conversations/counts', countsSchema);
    } catch (e) {
      // Without the endpoint, /conversations/counts is read as a conversation id: 404 or 400.
      if (!(e instanceof ApiError && (e.status === 404 || e.status === 400))) throw e;
      countsEndpointMissing = true;
    }
  }
  const lists = await Promise.all(
    queues.map((q) => get(`/conversations?status=${q}&limit=200`, listOf(summarySchema))),
  );
  const [waiting, mine, open, closed] = lists.map((l) => l.items.length) as [number, number, number, number];
  return { waiting, mine, open, closed };
}
export const useCounts = () => useQuery({ queryKey: ['counts'], queryFn: fetchCounts });

export function useMe() {
  const session = getSession();
  const agents = useAgents();
  const me = agents.data?.items.find((a) => a.id === session?.user.id);
  return { id: session?.user.id ?? '', role: session?.user.role ?? 'agent', name: me?.name ?? '' };
}
