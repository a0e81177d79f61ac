// Broadcasts: the list, a new broadcast (tags, message, who gets it before sending, a preview for one real
// recipient), and one broadcast with its live recipients table, filterable by status, and Cancel.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  Modal,
  MultiSelect,
  NativeSelect,
  Paper,
  Progress,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, get } from '../shared/api.ts';
import { when } from '../shared/format.ts';
import { errorText, useLanguage, useTexts } from '../shared/i18n.tsx';
import { useTags } from '../shared/queries.ts';
import {
  audienceSchema,
  broadcastSchema,
  listOf,
  RECIPIENT_STATUSES,
  recipientPageSchema,
  type Broadcast,
  type BroadcastAudience,
} from '../shared/schemas.ts';
import type { Texts } from '../shared/texts.ts';

const LIVE = ['scheduled', 'sending'];

export function BroadcastsPage() {
  const { broadcastId } = useParams();
  return broadcastId ? <BroadcastDetail id={broadcastId} /> : <BroadcastList />;
}

function BroadcastList() {
  const t = useTexts();
  const { language } = useLanguage();
  const [composing, setComposing] = useState(false);
  const list = useQuery({
    queryKey: ['broadcasts'],
    queryFn: () => get('/broadcasts', listOf(broadcastSchema)),
    refetchInterval: (q) => (q.state.data?.items.some((b) => LIVE.includes(b.status)) ? 2000 : false),
  });
  return (
    <Stack maw={960}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t.broadcasts.title}
        </Title>
        {!composing && <Button onClick={() => setComposing(true)}>{t.broadcasts.new}</Button>}
      </Group>
      <Text c="dimmed">{t.broadcasts.intro}</Text>
      {composing && <NewBroadcast onClose={() => setComposing(false)} />}
      <Title order={2} size="h4">
        {t.broadcasts.past}
      </Title>
      {list.isPending && <Loader size="sm" aria-label={t.loading} />}
      {list.isError && (
        <Alert color="orange" role="status">
          {errorText(t, list.error)}
        </Alert>
      )}
      {list.data?.items.length === 0 && <Text c="dimmed">{t.broadcasts.none}</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={0}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t.broadcasts.message}</Table.Th>
                <Table.Th>{t.broadcasts.statusCol}</Table.Th>
                <Table.Th>{t.broadcasts.progress}</Table.Th>
                <Table.Th>{t.broadcasts.created}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((b) => (
                <Table.Tr key={b.id}>
                  <Table.Td style={{ maxWidth: 320, overflowWrap: 'anywhere' }}>
                    <Anchor component={Link} to={`/broadcasts/${b.id}`}>
                      {b.message.length > 80 ? `${b.message.slice(0, 80)}…` : b.message}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{t.broadcasts.states[b.status] ?? b.status}</Table.Td>
                  <Table.Td>{t.broadcasts.counts(b.counts.sent, b.counts.total)}</Table.Td>
                  <Table.Td>{when(b.createdAt, language)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

function AudienceSummary({ t, a }: { t: Texts; a: BroadcastAudience }) {
  const channels = Object.entries(a.reachable.byChannel).map(([c, n]) => t.broadcasts.byChannel(c, n));
  const reasons = (Object.keys(a.unreachable.byReason) as (keyof typeof a.unreachable.byReason)[])
    .filter((r) => a.unreachable.byReason[r] > 0)
    .map((r) => t.broadcasts.reasons[r](a.unreachable.byReason[r]));
  return (
    <Stack gap={4} role="status" aria-live="polite">
      <Text fw={600}>
        {t.broadcasts.audience(a.reachable.total, a.total)}
        {channels.length > 0 && ` (${channels.join(', ')})`}
      </Text>
      {a.unreachable.total > 0 && (
        <Text size="sm" c="dimmed">
          {t.broadcasts.unreachable(a.unreachable.total)} {reasons.join('; ')}
        </Text>
      )}
      {a.preview && (
        <Paper withBorder p="xs">
          <Text size="sm" c="dimmed">
            {t.broadcasts.preview(a.preview.name)}
          </Text>
          <Text style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{a.preview.text}</Text>
        </Paper>
      )}
    </Stack>
  );
}

function NewBroadcast({ onClose }: { onClose: () => void }) {
  const t = useTexts();
  const navigate = useNavigate();
  const client = useQueryClient();
  const tags = useTags();
  const [tagIds, setTagIds] = useState<string[]>([]);
  const [matchAll, setMatchAll] = useState(false);
  const [message, setMessage] = useState('');
  const [at, setAt] = useState('');
  const [debounced] = useDebouncedValue({ tagIds, matchAll, message }, 300);
  const audience = useQuery({
    queryKey: ['broadcast-audience', debounced],
    enabled: debounced.tagIds.length > 0,
    queryFn: () =>
      api('POST', '/broadcasts/audience', audienceSchema, {
        tags: debounced.tagIds,
        matchAll: debounced.matchAll,
        ...(debounced.message.trim() ? { message: debounced.message } : {}),
      }),
    retry: false,
  });
  const send = useMutation({
    mutationFn: () =>
      api('POST', '/broadcasts', broadcastSchema, {
        tags: tagIds,
        matchAll,
        message,
        ...(at ? { at: new Date(at).toISOString() } : {}),
      }),
    onSuccess: (b: Broadcast) => {
      void client.invalidateQueries({ queryKey: ['broadcasts'] });
      onClose();
      void navigate(`/broadcasts/${b.id}`);
    },
  });
  const fieldError = (field: string) =>
    send.error instanceof ApiError && send.error.field === field
      ? send.error.message
      : audience.error instanceof ApiError && audience.error.field === field
        ? audience.error.message
        : undefined;
  const otherError = send.error && !(send.error instanceof ApiError && send.error.field) ? send.error : undefined;
  return (
    <Paper withBorder p="md">
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          send.mutate();
        }}
      >
        <Stack>
          <MultiSelect
            label={t.broadcasts.tags}
            data={(tags.data?.items ?? []).map((tag) => ({ value: tag.id, label: tag.name }))}
            value={tagIds}
            onChange={setTagIds}
            searchable
            error={fieldError('tags')}
          />
          <Checkbox
            label={t.broadcasts.matchAll}
            checked={matchAll}
            onChange={(e) => setMatchAll(e.currentTarget.checked)}
          />
          <Textarea
            label={t.broadcasts.message}
            description={t.broadcasts.messageHint}
            value={message}
            onChange={(e) => setMessage(e.currentTarget.value)}
            autosize
            minRows={3}
            maxLength={4000}
            error={fieldError('message')}
          />
          <TextInput
            type="datetime-local"
            label={t.broadcasts.at}
            description={t.broadcasts.atHint}
            value={at}
            onChange={(e) => setAt(e.currentTarget.value)}
            error={fieldError('at')}
          />
          {tagIds.length === 0 && <Text c="dimmed">{t.broadcasts.chooseTags}</Text>}
          {tagIds.length > 0 && audience.isPending && <Loader size="sm" aria-label={t.loading} />}
          {audience.data && tagIds.length > 0 && <AudienceSummary t={t} a={audience.data} />}
          {otherError && (
            <Alert color="red" role="alert">
              {errorText(t, otherError)}
            </Alert>
          )}
          <Group>
            <Button
              type="submit"
              loading={send.isPending}
              disabled={tagIds.length === 0 || !message.trim() || (audience.data?.reachable.total ?? 0) === 0}
            >
              {t.broadcasts.send}
            </Button>
            <Button variant="default" onClick={onClose}>
              {t.broadcasts.cancelForm}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function BroadcastDetail({ id }: { id: string }) {
  const t = useTexts();
  const { language } = useLanguage();
  const client = useQueryClient();
  const [status, setStatus] = useState('');
  const [confirming, setConfirming] = useState(false);
  const broadcast = useQuery({
    queryKey: ['broadcast', id],
    queryFn: () => get(`/broadcasts/${id}`, broadcastSchema),
    refetchInterval: (q) => (q.state.data && LIVE.includes(q.state.data.status) ? 2000 : false),
  });
  const live = broadcast.data ? LIVE.includes(broadcast.data.status) : false;
  // Refetched whenever the counts move (and every 2 s while it sends), so the table ends on the final statuses.
  const progress = broadcast.data ? `${broadcast.data.status}:${JSON.stringify(broadcast.data.counts)}` : '';
  const recipients = useInfiniteQuery({
    queryKey: ['broadcast-recipients', id, status, progress],
    initialPageParam: '',
    queryFn: ({ pageParam }) =>
      get(
        `/broadcasts/${id}/recipients?limit=100${status ? `&status=${status}` : ''}${pageParam ? `&cursor=${pageParam}` : ''}`,
        recipientPageSchema,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: live ? 2000 : false,
    placeholderData: (previous) => previous,
  });
  const cancel = useMutation({
    mutationFn: () => api('POST', `/broadcasts/${id}/cancel`, broadcastSchema),
    onSuccess: () => {
      setConfirming(false);
      void client.invalidateQueries({ queryKey: ['broadcast', id] });
      void client.invalidateQueries({ queryKey: ['broadcast-recipients', id] });
      void client.invalidateQueries({ queryKey: ['broadcasts'] });
    },
  });
  if (broadcast.isPending) return <Loader size="sm" aria-label={t.loading} />;
  if (broadcast.isError)
    return (
      <Alert color="orange" role="status">
        {errorText(t, broadcast.error)}
      </Alert>
    );
  const b = broadcast.data;
  const done = b.counts.total - b.counts.queued - b.counts.sending;
  const rows = recipients.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack maw={960}>
      <Anchor component={Link} to="/broadcasts">
        {t.broadcasts.back}
      </Anchor>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t.broadcasts.title}: {t.broadcasts.states[b.status] ?? b.status}
        </Title>
        {live && (
          <Button color="red" variant="light" onClick={() => setConfirming(true)}>
            {t.broadcasts.cancel}
          </Button>
        )}
      </Group>
      <Paper withBorder p="sm">
        <Text style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{b.message}</Text>
        <Group gap="xs" mt="xs">
          {b.tags.map((tag) => (
            <Badge key={tag.id} variant="light">
              {tag.name}
            </Badge>
          ))}
        </Group>
      </Paper>
      {b.status === 'scheduled' && <Text>{t.broadcasts.scheduledFor(when(b.scheduledAt, language))}</Text>}
      {b.counts.total > 0 && (
        <Stack gap={4}>
          <Progress value={(done / b.counts.total) * 100} aria-label={t.broadcasts.progress} />
          <Group gap="md">
            {RECIPIENT_STATUSES.filter((s) => b.counts[s] > 0).map((s) => (
              <Text key={s} size="sm">
                {s}: {b.counts[s]}
              </Text>
            ))}
          </Group>
        </Stack>
      )}
      <NativeSelect
        label={t.broadcasts.filter}
        value={status}
        onChange={(e) => setStatus(e.currentTarget.value)}
        data={[{ value: '', label: t.broadcasts.all }, ...RECIPIENT_STATUSES.map((s) => ({ value: s, label: s }))]}
        maw={240}
      />
      {recipients.isError && (
        <Alert color="orange" role="status">
          {errorText(t, recipients.error)}
        </Alert>
      )}
      {recipients.data && rows.length === 0 && <Text c="dimmed">{t.broadcasts.noRecipients}</Text>}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={0}>
          <Table aria-label={t.broadcasts.recipient}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t.broadcasts.recipient}</Table.Th>
                <Table.Th>{t.broadcasts.channel}</Table.Th>
                <Table.Th>{t.broadcasts.statusCol}</Table.Th>
                <Table.Th>{t.broadcasts.reason}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/contacts/${r.contact.id}`}>
                      {r.contact.displayName}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{r.channel ?? '—'}</Table.Td>
                  <Table.Td>{r.status}</Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{r.reason ?? ''}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {recipients.hasNextPage && (
        <Button
          variant="default"
          onClick={() => void recipients.fetchNextPage()}
          loading={recipients.isFetchingNextPage}
        >
          {t.broadcasts.more}
        </Button>
      )}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t.broadcasts.cancel}>
        <Stack>
          <Text>{t.broadcasts.cancelConfirm}</Text>
          {cancel.error && (
            <Alert color="red" role="alert">
              {errorText(t, cancel.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t.broadcasts.keep}
            </Button>
            <Button color="red" onClick={() => cancel.mutate()} loading={cancel.isPending}>
              {t.broadcasts.cancel}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
