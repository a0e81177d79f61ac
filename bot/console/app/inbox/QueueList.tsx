// One queue (Waiting, Mine, Open, Closed): waiting first and oldest first, as the API orders it, each with how long it
// has waited and its status in words.
import { Alert, Badge, Group, Loader, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { get } from '../shared/api.ts';
import { ago } from '../shared/format.ts';
import { errorText, useTexts } from '../shared/i18n.tsx';
import { useAgents } from '../shared/queries.ts';
import { listOf, summarySchema, type Queue } from '../shared/schemas.ts';
import { statusWords } from './words.ts';

/** Re-renders every 30 s so "waiting 3 min" moves on. */
function useNow(ms = 30_000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

export function QueueList({ queue, selected }: { queue: Queue; selected?: string | undefined }) {
  const t = useTexts();
  const now = useNow();
  const agents = useAgents();
  const names = new Map(agents.data?.items.map((a) => [a.id, a.name]));
  const list = useQuery({
    queryKey: ['conversations', queue],
    queryFn: () => get(`/conversations?status=${queue}&limit=100`, listOf(summarySchema)),
  });
  if (list.isPending) return <Loader size="sm" aria-label={t.loading} />;
  if (list.isError)
    return (
      <Alert color="orange" role="status">
        {errorText(t, list.error)}
      </Alert>
    );
  if (list.data.items.length === 0)
    return (
      <Text c="dimmed" size="sm" p="sm">
        {t.queueEmpty[queue]}
      </Text>
    );
  return (
    <ul className="queue-list" aria-label={t.queue[queue]}>
      {list.data.items.map((c) => {
        const waitingSince =
          c.waitingSince ?? (['waiting', 'capture', 'followup'].includes(c.status) ? c.lastActivityAt : null);
        return (
          <li key={c.id}>
            <Link
              to={`/inbox/${queue}/${c.id}`}
              aria-current={c.id === selected ? 'page' : undefined}
              data-conversation={c.id}
            >
              <Group justify="space-between" gap={4} wrap="nowrap">
                <Text fw={600} size="sm" truncate>
                  {c.contact.displayName}
                </Text>
                <Badge size="xs" variant="light">
                  {c.channel}
                </Badge>
              </Group>
              <Text size="xs" c={c.status === 'capture' ? 'orange' : 'dimmed'}>
                {statusWords(t, c, c.assignedAgentId ? names.get(c.assignedAgentId) : undefined)}
                {waitingSince && c.status !== 'closed' ? ` · ${t.waitedFor(ago(t, waitingSince, now))}` : ''}
              </Text>
              {c.lastMessage && (
                <Text size="xs" c="dimmed" truncate>
                  {c.lastMessage.text}
                </Text>
              )}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
