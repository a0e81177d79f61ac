// Team: agents and admins — add, edit, deactivate (or activate again). Their phone and email are checked against
// contacts by the API; a refusal shows under the field.
import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  NativeSelect,
  SimpleGrid,
  Stack,
  Table,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, get } from '../shared/api.ts';
import { errorText, useTexts } from '../shared/i18n.tsx';
import { listOf, userSchema, type User } from '../shared/schemas.ts';

const FIELDS = ['firstName', 'lastName', 'email', 'phone', 'password'] as const;

function PersonForm({ user, onDone }: { user: User | null; onDone: () => void }) {
  const t = useTexts();
  const client = useQueryClient();
  const [values, setValues] = useState<Record<string, string>>({
    firstName: user?.firstName ?? '',
    lastName: user?.lastName ?? '',
    email: user?.email ?? '',
    phone: user?.phone ?? '',
    password: '',
    role: user?.role ?? 'agent',
  });
  const save = useMutation({
    mutationFn: () => {
      const body: Record<string, unknown> = {
        role: values.role,
        firstName: values.firstName?.trim(),
        lastName: values.lastName?.trim(),
        email: values.email?.trim(),
        phone: values.phone?.trim() || null,
      };
      if (values.password) body.password = values.password;
      return user ? api('PATCH', `/users/${user.id}`, userSchema, body) : api('POST', '/users', userSchema, body);
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['users'] });
      void client.invalidateQueries({ queryKey: ['agents'] });
      onDone();
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  const fieldError = (f: string) => (err?.field === f ? err.message : undefined);
  const labels: Record<(typeof FIELDS)[number], string> = {
    firstName: t.form.firstName,
    lastName: t.form.lastName,
    email: t.form.email,
    phone: t.form.phone,
    password: t.settings.password,
  };
  return (
    <form
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {FIELDS.map((f) => (
            <TextInput
              key={f}
              label={labels[f]}
              type={f === 'password' ? 'password' : f === 'email' ? 'email' : 'text'}
              description={f === 'password' && user ? t.settings.passwordHint : undefined}
              required={f === 'firstName' || f === 'email' || (f === 'password' && !user)}
              value={values[f] ?? ''}
              onChange={(e) => {
                const v = e.currentTarget.value;
                setValues((old) => ({ ...old, [f]: v }));
              }}
              error={fieldError(f)}
              autoComplete={f === 'password' ? 'new-password' : 'off'}
            />
          ))}
          <NativeSelect
            label={t.settings.role}
            value={values.role}
            onChange={(e) => {
              const v = e.currentTarget.value;
              setValues((old) => ({ ...old, role: v }));
            }}
            data={[
              { value: 'agent', label: t.settings.roles.agent },
              { value: 'admin', label: t.settings.roles.admin },
            ]}
          />
        </SimpleGrid>
        {save.isError && !(err?.field && (FIELDS as readonly string[]).includes(err.field)) && (
          <Alert color="red" role="alert">
            {errorText(t, save.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t.form.cancel}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {t.form.save}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function TeamSettings() {
  const t = useTexts();
  const client = useQueryClient();
  const users = useQuery({ queryKey: ['users'], queryFn: () => get('/users', listOf(userSchema)) });
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const toggle = useMutation({
    mutationFn: (u: User) => api('PATCH', `/users/${u.id}`, userSchema, { active: !u.active }),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: ['users'] });
      void client.invalidateQueries({ queryKey: ['agents'] });
    },
  });
  return (
    <Stack>
      <Group>
        <Button onClick={() => setEditing('new')}>{t.settings.addPerson}</Button>
      </Group>
      {users.isPending && <Loader size="sm" aria-label={t.loading} />}
      {users.isError && (
        <Alert color="orange" role="status">
          {errorText(t, users.error)}
        </Alert>
      )}
      {toggle.isError && (
        <Alert color="red" role="alert">
          {errorText(t, toggle.error)}
        </Alert>
      )}
      {users.data && (
        <div className="table-scroll">
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t.contacts.name}</Table.Th>
                <Table.Th>{t.form.email}</Table.Th>
                <Table.Th>{t.form.phone}</Table.Th>
                <Table.Th>{t.settings.role}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.data.items.map((u) => {
                const name = `${u.firstName} ${u.lastName}`.trim();
                return (
                  <Table.Tr key={u.id}>
                    <Table.Th scope="row">{name}</Table.Th>
                    <Table.Td className="wrap-anywhere">{u.email}</Table.Td>
                    <Table.Td>{u.phone}</Table.Td>
                    <Table.Td>
                      {t.settings.roles[u.role]}{' '}
                      {!u.active && (
                        <Badge color="gray" variant="light">
                          {t.settings.inactive}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="default"
                          aria-label={`${t.settings.edit} ${name}`}
                          onClick={() => setEditing(u)}
                        >
                          {t.settings.edit}
                        </Button>
                        <Button
                          size="xs"
                          variant="default"
                          color={u.active ? 'red' : undefined}
                          aria-label={`${u.active ? t.settings.deactivate : t.settings.activate} ${name}`}
                          onClick={() => toggle.mutate(u)}
                        >
                          {u.active ? t.settings.deactivate : t.settings.activate}
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </div>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t.settings.addPerson : t.settings.editPerson}
        size="lg"
      >
        {editing !== null && <PersonForm user={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}
      </Modal>
    </Stack>
  );
}
