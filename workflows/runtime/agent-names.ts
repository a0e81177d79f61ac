// Agents' names as customers and the console see them. Pure, plus one lookup.
import type { Database } from '../../prisma/index.ts';

/** What the console shows: "Sam Agent". */
export const agentFullName = (u: { firstName: string; lastName: string }) =>
  [u.firstName, u.lastName].filter(Boolean).join(' ').trim() || 'Agent';

/** What the customer sees beside an agent's message: the first name only ("Sam"). */
export const agentShownName = (u: { firstName: string; lastName: string }) => u.firstName.trim() || 'Agent';

export async function shownNameOf(db: Database, agentId: string | null | undefined): Promise<string | undefined> {
  if (!agentId) return undefined;
  const u = await db.prisma.user.findUnique({ where: { id: agentId }, select: { firstName: true, lastName: true } });
  return u ? agentShownName(u) : undefined;
}
