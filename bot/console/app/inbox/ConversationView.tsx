// One conversation: who and what state, Claim / Transfer / Close conversation / Reopen, the messages with author
// and time, and the reply box.
import { Alert, Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, ApiError, get } from '../shared/api.ts';
import { when } from '../shared/format.ts';
import { errorText, useLanguage } from '../shared/i18n.tsx';
import { useAgents, useMe } from '../shared/queries.ts';
import { detailSchema, stateReplySchema, type ConversationDetail } from '../shared/schemas.ts';
import type { Texts } from '../shared/texts.ts';
import { CloseDialog, TransferDialog } from './dialogs.tsx';
import { ReplyBox } from './ReplyBox.tsx';
import { authorWords, statusWords } from './words.ts';

export const useConversation = (id: string | undefined) =>
  useQuery({
    queryKey: ['conversation', id],
    queryFn: () => get(`/conversations/${id}`, detailSchema),
    enabled: Boolean(id),
  });

/** A refusal in words; a 409 on claim names the agent who has it. */
export function actionError(t: Texts, e: unknown, names: Map<string, string>): string {
  if (e instanceof ApiError && e.status === 409 && typeof e.details?.claimedBy === 'string')
    return t.inbox.claimedBy(names.get(e.details.claimedBy) ?? t.inbox.agent);
  return errorText(t, e);
}

export function ConversationView({ id, query }: { id: string; query: UseQueryResult<ConversationDetail> }) {
  const { t, language } = useLanguage();
  const me = useMe();
  const agents = useAgents();
  const names = new Map(agents.data?.items.map((a) => [a.id, a.name]));
  const client = useQueryClient();
  const [dialog, setDialog] = useState<'close' | 'transfer' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const bottom = useRef<HTMLLIElement>(null);
  const count = query.data?.messages.length ?? 0;
  // Braces matter: Chromium's scrollIntoView() now returns a promise, which React would take for a clean-up.
  useEffect(() => {
    void bottom.current?.scrollIntoView({ block: 'nearest' });
  }, [count]);
  useEffect(() => {
    setNotice(null);
  }, [id]);

  const act = useMutation({
    mutationFn: (action: 'claim' | 'reopen') => api('POST', `/conversations/${id}/${action}`, stateReplySchema),
    onMutate: () => setNotice(null),
    onError: (e) => setNotice(actionError(t, e, names)),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: ['conversation', id] });
      void client.invalidateQueries({ queryKey: ['conversations'] });
      void client.invalidateQueries({ queryKey: ['counts'] });
    },
  });

  if (query.isPending) return <Loader aria-label={t.loading} />;
  if (query.isError)
    return (
      <Alert color={query.error instanceof ApiError && query.error.status === 404 ? 'gray' : 'orange'} role="status">
        {query.error instanceof ApiError && query.error.status === 404 ? t.inbox.notFound : errorText(t, query.error)}
      </Alert>
    );
  const c = query.data;
  const closed = c.status === 'closed';
  const mine = c.status === 'human' && c.assignedAgentId === me.id;
  const assignedName = c.assignedAgentId ? names.get(c.assignedAgentId) : undefined;
  const canTransfer = !closed && (me.role === 'admin' || mine || c.status !== 'human');
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="conversation-title">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <div>
            <Title order={2} size="h3" id="conversation-title" className="wrap-anywhere">
              {c.contact.displayName}
            </Title>
            <Text size="sm" c={c.status === 'capture' ? 'orange' : 'dimmed'}>
              {statusWords(t, c, assignedName)} · {c.channel}
            </Text>
          </div>
          <Group gap="xs">
            {!closed && !mine && c.status !== 'human' && (
              <Button onClick={() => act.mutate('claim')} loading={act.isPending && act.variables === 'claim'}>
                {t.inbox.claim}
              </Button>
            )}
            {canTransfer && (
              <Button variant="default" onClick={() => setDialog('transfer')}>
                {t.inbox.transfer}
              </Button>
            )}
            {!closed && (
              <Button variant="default" color="red" onClick={() => setDialog('close')}>
                {t.inbox.close}
              </Button>
            )}
            {closed && (
              <Button onClick={() => act.mutate('reopen')} loading={act.isPending && act.variables === 'reopen'}>
                {t.inbox.reopen}
              </Button>
            )}
          </Group>
        </Group>
        {notice && (
          <Alert color="orange" role="alert">
            {notice}
          </Alert>
        )}
        <ol className="messages" aria-label={t.inbox.messages}>
          {c.messages.length === 0 && (
            <li>
              <Text c="dimmed">{t.inbox.noMessages}</Text>
            </li>
          )}
          {c.messages.map((m) => (
            <li key={m.id} className={`message ${m.author === 'system' ? 'system' : m.direction}`}>
              <Text size="xs" c="dimmed">
                <strong>{authorWords(t, m, c.contact.displayName, names, me.id)}</strong> ·{' '}
                <time dateTime={m.createdAt}>{when(m.createdAt, language)}</time>
              </Text>
              <Text size="sm">{m.text}</Text>
            </li>
          ))}
          <li ref={bottom} aria-hidden="true" />
        </ol>
        {!closed && <ReplyBox conversationId={c.id} names={names} />}
      </Stack>
      <CloseDialog
        opened={dialog === 'close'}
        onClose={() => setDialog(null)}
        conversation={c}
        onError={(e) => setNotice(actionError(t, e, names))}
      />
      <TransferDialog
        opened={dialog === 'transfer'}
        onClose={() => setDialog(null)}
        conversation={c}
        onError={(e) => setNotice(actionError(t, e, names))}
      />
    </Paper>
  );
}
