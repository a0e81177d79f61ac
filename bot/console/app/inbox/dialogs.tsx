// The two dialogs of a conversation: Close (confirm; warns when the AI is collecting details) and Transfer (to an
// agent; an admin may pick themselves to take over).
import { Alert, Button, Group, Modal, NativeSelect, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../shared/api.ts';
import { useTexts } from '../shared/i18n.tsx';
import { useAgents, useMe } from '../shared/queries.ts';
import { stateReplySchema, type ConversationDetail } from '../shared/schemas.ts';

interface DialogProps {
  opened: boolean;
  onClose: () => void;
  conversation: ConversationDetail;
  onError: (e: unknown) => void;
}

function useConversationAction(id: string, done: () => void, onError: (e: unknown) => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ path, body }: { path: string; body?: unknown }) =>
      api('POST', `/conversations/${id}/${path}`, stateReplySchema, body),
    onSuccess: done,
    onError: (e) => {
      done();
      onError(e);
    },
    onSettled: () => {
      void client.invalidateQueries({ queryKey: ['conversation', id] });
      void client.invalidateQueries({ queryKey: ['conversations'] });
      void client.invalidateQueries({ queryKey: ['counts'] });
    },
  });
}

export function CloseDialog({ opened, onClose, conversation, onError }: DialogProps) {
  const t = useTexts();
  const close = useConversationAction(conversation.id, onClose, onError);
  return (
    <Modal opened={opened} onClose={onClose} title={t.inbox.closeTitle}>
      <Stack>
        {conversation.status === 'capture' && (
          <Alert color="orange" role="alert">
            {t.inbox.closeCapture}
          </Alert>
        )}
        <Text>{t.inbox.closeBody}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t.inbox.cancel}
          </Button>
          <Button color="red" loading={close.isPending} onClick={() => close.mutate({ path: 'close' })}>
            {t.inbox.close}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function TransferDialog({ opened, onClose, conversation, onError }: DialogProps) {
  const t = useTexts();
  const me = useMe();
  const agents = useAgents();
  const choices = (agents.data?.items ?? []).filter((a) => a.id !== conversation.assignedAgentId || a.id === me.id);
  const [agentId, setAgentId] = useState('');
  useEffect(() => {
    if (opened) setAgentId(choices[0]?.id ?? '');
  }, [opened]);
  const transfer = useConversationAction(conversation.id, onClose, onError);
  return (
    <Modal opened={opened} onClose={onClose} title={t.inbox.transferTitle}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (agentId) transfer.mutate({ path: 'transfer', body: { agentId } });
        }}
      >
        <Stack>
          <NativeSelect
            label={t.inbox.transferTo}
            value={agentId}
            onChange={(e) => setAgentId(e.currentTarget.value)}
            data={choices.map((a) => ({ value: a.id, label: a.id === me.id ? `${a.name} (${t.inbox.you})` : a.name }))}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t.inbox.cancel}
            </Button>
            <Button type="submit" loading={transfer.isPending} disabled={!agentId}>
              {t.inbox.transferSubmit}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
