// Machine states → words for people.
import type { Message, Summary } from '../shared/schemas.ts';
import type { Texts } from '../shared/texts.ts';

export function statusWords(t: Texts, c: Pick<Summary, 'status' | 'assignedAgent'>, agentName?: string): string {
  const name = c.assignedAgent?.name ?? agentName;
  if (c.status === 'human' && name) return t.withAgent(name);
  return t.status[c.status];
}

export function authorWords(t: Texts, m: Message, customer: string, agentNames: Map<string, string>, me: string) {
  if (m.author === 'customer') return customer;
  if (m.author === 'ai') return t.inbox.ai;
  if (m.author === 'system') return t.inbox.system;
  if (m.agentId && m.agentId === me)
    return `${m.agentName ?? agentNames.get(m.agentId) ?? t.inbox.agent} (${t.inbox.you})`;
  return m.agentName ?? (m.agentId ? agentNames.get(m.agentId) : undefined) ?? t.inbox.agent;
}
