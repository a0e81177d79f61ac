// The reply box. What is typed is kept per conversation in this tab's sessionStorage until it is sent: switching
// conversations, a reload or a failed send never loses it. While the agent types, the customer sees a typing
// indicator with the agent's first name (POST …/typing, at most every TYPING_EVERY_MS; the channel shows it for a
// few seconds).
import { Alert, Button, Group, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, send as request } from '../shared/api.ts';
import { useTexts } from '../shared/i18n.tsx';
import { stateReplySchema } from '../shared/schemas.ts';
import { actionError } from './ConversationView.tsx';

const draftKey = (id: string) => `baton.draft.${id}`;
const TYPING_EVERY_MS = 3000;

export function ReplyBox({ conversationId, names }: { conversationId: string; names: Map<string, string> }) {
  const t = useTexts();
  const client = useQueryClient();
  const [text, setText] = useState(() => sessionStorage.getItem(draftKey(conversationId)) ?? '');
  useEffect(() => {
    setText(sessionStorage.getItem(draftKey(conversationId)) ?? '');
  }, [conversationId]);
  const lastTyping = useRef(0);
  const announceTyping = () => {
    const now = Date.now();
    if (now - lastTyping.current < TYPING_EVERY_MS) return;
    lastTyping.current = now;
    // Best effort: a refusal (another agent took it, closed) shows when the reply is sent.
    request('POST', `/conversations/${conversationId}/typing`).catch(() => undefined);
  };
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
        onChange={(e) => {
          update(e.currentTarget.value);
          if (e.currentTarget.value.trim()) announceTyping();
        }}
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
