// Tags: add, rename, delete, each with its contact count.
import { Alert, Button, Group, Loader, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../shared/api.ts';
import { errorText, useTexts } from '../shared/i18n.tsx';
import { useTags } from '../shared/queries.ts';
import { removedSchema, tagSchema, type Tag } from '../shared/schemas.ts';

export function TagSettings() {
  const t = useTexts();
  const client = useQueryClient();
  const tags = useTags();
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<Tag | null>(null);
  const [newName, setNewName] = useState('');
  const [deleting, setDeleting] = useState<Tag | null>(null);
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['tags'] });
    void client.invalidateQueries({ queryKey: ['contacts'] });
  };
  const add = useMutation({
    mutationFn: (n: string) => api('POST', '/tags', tagSchema, { name: n }),
    onSuccess: () => {
      setName('');
      refresh();
    },
  });
  const rename = useMutation({
    mutationFn: ({ id, n }: { id: string; n: string }) => api('PATCH', `/tags/${id}`, tagSchema, { name: n }),
    onSuccess: () => {
      setRenaming(null);
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api('DELETE', `/tags/${id}`, removedSchema),
    onSuccess: () => {
      setDeleting(null);
      refresh();
    },
  });
  const fieldError = (e: unknown) => (e instanceof ApiError ? e.message : e ? errorText(t, e) : undefined);
  return (
    <Stack maw={720}>
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          if (name.trim()) add.mutate(name.trim());
        }}
      >
        <Group align="flex-end">
          <TextInput
            label={t.settings.tagName}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError(add.error)}
            maxLength={100}
          />
          <Button type="submit" loading={add.isPending}>
            {t.settings.addTag}
          </Button>
        </Group>
      </form>
      {tags.isPending && <Loader size="sm" aria-label={t.loading} />}
      {tags.isError && (
        <Alert color="orange" role="status">
          {errorText(t, tags.error)}
        </Alert>
      )}
      {tags.data?.items.length === 0 && <Text c="dimmed">{t.settings.noTags}</Text>}
      {tags.data && tags.data.items.length > 0 && (
        <Table>
          <Table.Tbody>
            {tags.data.items.map((tag) => (
              <Table.Tr key={tag.id}>
                <Table.Th scope="row">{tag.name}</Table.Th>
                <Table.Td>{t.settings.contactsCount(tag.contactCount ?? 0)}</Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end">
                    <Button
                      size="xs"
                      variant="default"
                      aria-label={`${t.settings.rename} ${tag.name}`}
                      onClick={() => {
                        rename.reset();
                        setNewName(tag.name);
                        setRenaming(tag);
                      }}
                    >
                      {t.settings.rename}
                    </Button>
                    <Button
                      size="xs"
                      variant="default"
                      color="red"
                      aria-label={`${t.settings.delete} ${tag.name}`}
                      onClick={() => setDeleting(tag)}
                    >
                      {t.settings.delete}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal
        opened={renaming !== null}
        onClose={() => setRenaming(null)}
        title={`${t.settings.rename}: ${renaming?.name ?? ''}`}
      >
        <form
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            if (renaming && newName.trim()) rename.mutate({ id: renaming.id, n: newName.trim() });
          }}
        >
          <Stack>
            <TextInput
              label={t.settings.newName}
              value={newName}
              onChange={(e) => setNewName(e.currentTarget.value)}
              error={fieldError(rename.error)}
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setRenaming(null)}>
                {t.form.cancel}
              </Button>
              <Button type="submit" loading={rename.isPending}>
                {t.settings.save}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <Modal opened={deleting !== null} onClose={() => setDeleting(null)} title={t.settings.delete}>
        <Stack>
          <Text>{deleting && t.settings.deleteTag(deleting.name, deleting.contactCount ?? 0)}</Text>
          {remove.isError && (
            <Alert color="red" role="alert">
              {errorText(t, remove.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(null)}>
              {t.form.cancel}
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => deleting && remove.mutate(deleting.id)}>
              {t.settings.delete}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
