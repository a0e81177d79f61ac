// Contacts: search (names, email, phone fragments), Tag and Status filters (active, archived, guests), keyset
// paging ("Show more" asks for the next page by cursor, so it stays fast at a million contacts), Add contact,
// Import contacts, Export CSV. Filters live in the URL.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  NativeSelect,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { download, get, getSession } from '../shared/api.ts';
import { errorText, useTexts } from '../shared/i18n.tsx';
import { useTags } from '../shared/queries.ts';
import { contactPageSchema } from '../shared/schemas.ts';
import { ContactFormDialog } from './ContactForm.tsx';

const STATUSES = ['active', 'archived', 'guest'] as const;

export function ContactsPage() {
  const t = useTexts();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get('search') ?? '');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const tag = params.get('tag') ?? '';
  const status = params.get('status') ?? 'active';
  const tags = useTags();
  const [adding, setAdding] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const admin = getSession()?.user.role === 'admin';

  const setParam = (name: string, value: string) =>
    setParams(
      (p) => {
        if (value) p.set(name, value);
        else p.delete(name);
        return p;
      },
      { replace: true },
    );
  const query = new URLSearchParams({ status, ...(debounced ? { search: debounced } : {}), ...(tag ? { tag } : {}) });
  const list = useInfiniteQuery({
    queryKey: ['contacts', query.toString()],
    initialPageParam: '',
    queryFn: ({ pageParam }) =>
      get(
        `/contacts?${query.toString()}&limit=50${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
        contactPageSchema,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          {t.contacts.title}
        </Title>
        <Group gap="xs">
          <Button onClick={() => setAdding(true)}>{t.contacts.add}</Button>
          {admin && (
            <Button variant="default" onClick={() => void navigate('/contacts/import')}>
              {t.contacts.import}
            </Button>
          )}
          {admin && (
            <Button
              variant="default"
              onClick={() =>
                download(`/contacts/export.csv?${query.toString()}`, 'contacts.csv').then(
                  () => setExportError(null),
                  (e: unknown) => setExportError(errorText(t, e)),
                )
              }
            >
              {t.contacts.export}
            </Button>
          )}
        </Group>
      </Group>
      {exportError && (
        <Alert color="red" role="alert">
          {exportError}
        </Alert>
      )}
      <Group align="flex-end" wrap="wrap">
        <TextInput
          type="search"
          label={t.contacts.search}
          description={t.contacts.searchHint}
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            setParam('search', e.currentTarget.value.trim());
          }}
          miw={260}
        />
        <NativeSelect
          label={t.contacts.tag}
          value={tag}
          onChange={(e) => setParam('tag', e.currentTarget.value)}
          data={[
            { value: '', label: t.contacts.allTags },
            ...(tags.data?.items ?? []).map((x) => ({ value: x.id, label: x.name })),
          ]}
        />
        <NativeSelect
          label={t.contacts.status}
          value={status}
          onChange={(e) => setParam('status', e.currentTarget.value === 'active' ? '' : e.currentTarget.value)}
          data={STATUSES.map((s) => ({ value: s, label: t.contacts.statuses[s] }))}
        />
      </Group>
      {list.isPending ? (
        <Loader aria-label={t.loading} />
      ) : list.isError ? (
        <Alert color="orange" role="status">
          {errorText(t, list.error)}
        </Alert>
      ) : rows.length === 0 ? (
        <Text c="dimmed">{t.contacts.none}</Text>
      ) : (
        <div className="table-scroll">
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t.contacts.name}</Table.Th>
                <Table.Th>{t.contacts.email}</Table.Th>
                <Table.Th>{t.contacts.phone}</Table.Th>
                <Table.Th>{t.contacts.tags}</Table.Th>
                <Table.Th>{t.contacts.agent}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/contacts/${c.id}`}>
                      {c.displayName}
                    </Anchor>
                  </Table.Td>
                  <Table.Td className="wrap-anywhere">{c.status === 'guest' ? '' : c.email}</Table.Td>
                  <Table.Td>{c.phone}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {c.tags.map((x) => (
                        <Badge key={x.id} variant="light" size="sm">
                          {x.name}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>{c.assignedAgent?.name}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
      {list.hasNextPage && (
        <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
          {t.contacts.more}
        </Button>
      )}
      <ContactFormDialog
        opened={adding}
        onClose={() => setAdding(false)}
        onSaved={(c) => void navigate(`/contacts/${c.id}`)}
      />
    </Stack>
  );
}
