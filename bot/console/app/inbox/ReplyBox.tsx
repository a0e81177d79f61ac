// The reply box. What is typed is kept per conversation in this tab's sessionStorage until it is sent: switching
// conversations, a reload or a failed send never loses it.
import { Alert, Button, Group, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../shared/api.ts';
import { useTexts } from '../shared/i18n.tsx';
import { stateReplySchema } from '../shared/schemas.ts';
import { actionError } from './ConversationView.tsx';

const draftKey = (id: string) => `baton.draft.${id}`;

export function ReplyBox({ conversationId, names }: { conversationId: string; names: Map<string, string> }) {
  const t = useTexts();
  const client = useQueryClient();
  const [text, setText] = useState(() => sessionStorage.getItem(draftKey(conversationId)) ?? '');
  useEffect(() => {
    setText(sessionStorage.getItem(draftKey(conversationId)) ?? '');
  }, [conversationId]);
  const update = (value: string) => {
    setText(value);
    if (value) sessionStorage.setItem(draftKey(conversationId), value);
    else sessionStorage.removeItem(draftKey(conversationId));
  };
  const send = useMutation({
    mutationFn: (value: string) =>
      api('POST', `/conversations/${conversationId}/messages`, stateReplySchema, { text: value }),
    onSuccess: (_r, value) => {
      // Only what was sent is cleared: text typed meanwhile stays.
      const now = sessionStorage.getItem(draftKey(conversationId)) ?? '';
      update(now === value ? '' : now);
    },
    onSettled: () => {
      void client.invalidateQueries({ queryKey: ['conversation', conversationId] });
      void client.invalidateQueries({ queryKey: ['conversations'] });
      void client.invalidateQueries({ queryKey: ['counts'] });
    },
  });
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (text.trim() && !send.isPending) send.mutate(text);
  };
  return (
    <form onSubmit={submit}>
      <Textarea
        label={t.inbox.reply}
        description={t.inbox.replyHint}
        value={text}
        onChange={(e) => update(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
        autosize
        minRows={2}
        maxRows={8}
        maxLength={4000}
      />
      {send.isError && (
        <Alert color="red" role="alert" mt="xs">
          {t.inbox.sendFailed} {actionError(t, send.error, names)}
        </Alert>
      )}
      <Group justify="flex-end" mt="xs">
        <Button type="submit" loading={send.isPending} disabled={!text.trim()}>
          {t.inbox.send}
        </Button>
      </Group>
    </form>
  );
}
