// A contact's page (/console/contacts/<id>): every field, Edit contact, Archive / Restore (admins), its
// conversations and its audit history.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { statusWords } from '../inbox/words.ts';
import { api, ApiError, getSession } from '../shared/api.ts';
import { when } from '../shared/format.ts';
import { errorText, useLanguage } from '../shared/i18n.tsx';
import { useAgents } from '../shared/queries.ts';
import { contactSchema, type Address, type Contact } from '../shared/schemas.ts';
import { ContactFormDialog } from './ContactForm.tsx';
import { useAudit, useContact, useContactConversations } from './queries.ts';

const addressText = (a: Address) =>
  [a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(' '), a.region, a.country].filter(Boolean).join(', ');

function Field({ label, value }: { label: string; value: string | null | undefined }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text className="wrap-anywhere">{value || '—'}</Text>
    </div>
  );
}

export function ContactPage() {
  const { t } = useLanguage();
  const { contactId } = useParams();
  const contact = useContact(contactId);
  if (contact.isPending) return <Loader aria-label={t.loading} />;
  if (contact.isError)
    return (
      <Alert color="orange" role="status">
        {contact.error instanceof ApiError && contact.error.status === 404
          ? t.inbox.notFound
          : errorText(t, contact.error)}
      </Alert>
    );
  return <ContactDetails contact={contact.data} />;
}

function ContactDetails({ contact }: { contact: Contact }) {
  const { t, language } = useLanguage();
  const client = useQueryClient();
  const admin = getSession()?.user.role === 'admin';
  const [editing, setEditing] = useState(false);
  const [confirmArchive, setConfirmArchive] = useState(false);
  const conversations = useContactConversations(contact.id);
  const audit = useAudit(contact.id);
  const agents = useAgents();
  const names = new Map(agents.data?.items.map((a) => [a.id, a.name]));
  const archive = useMutation({
    mutationFn: (restore: boolean) =>
      restore
        ? api('POST', `/contacts/${contact.id}/restore`, contactSchema)
        : api('DELETE', `/contacts/${contact.id}`, contactSchema),
    onSuccess: (saved) => {
      client.setQueryData(['contact', saved.id], saved);
      setConfirmArchive(false);
      void client.invalidateQueries({ queryKey: ['contacts'] });
      void client.invalidateQueries({ queryKey: ['audit', saved.id] });
    },
  });
  return (
    <Stack>
      <Anchor component={Link} to="/contacts" size="sm">
        ← {t.contacts.back}
      </Anchor>
      <Group justify="space-between" wrap="wrap">
        <div>
          <Title order={1} size="h2" className="wrap-anywhere">
            {contact.displayName}
          </Title>
          <Text c="dimmed" size="sm">
            {contact.status === 'guest'
              ? t.contact.guest
              : contact.status === 'archived'
                ? t.contact.archived
                : t.contact.active}
          </Text>
        </div>
        <Group gap="xs">
          <Button onClick={() => setEditing(true)}>{t.contact.edit}</Button>
          {admin && contact.status === 'archived' && (
            <Button variant="default" onClick={() => archive.mutate(true)} loading={archive.isPending}>
              {t.contacts.restore}
            </Button>
          )}
          {admin && contact.status !== 'archived' && (
            <Button variant="default" color="red" onClick={() => setConfirmArchive(true)}>
              {t.contacts.archive}
            </Button>
          )}
        </Group>
      </Group>
      {archive.isError && (
        <Alert color="red" role="alert">
          {errorText(t, archive.error)}
        </Alert>
      )}
      <Paper withBorder p="md" component="section" aria-label={t.contacts.details}>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          <Field label={t.form.firstName} value={contact.firstName} />
          <Field label={t.form.middleName} value={contact.middleName} />
          <Field label={t.form.lastName} value={contact.lastName} />
          <Field label={t.form.businessName} value={contact.businessName} />
          <Field label={t.form.phone} value={contact.phone} />
          <Field label={t.form.email} value={contact.status === 'guest' ? null : contact.email} />
          <Field label={t.form.address} value={addressText(contact.address)} />
          <Field label={t.form.billing} value={addressText(contact.billingAddress)} />
          <Field label={t.contact.assigned} value={contact.assignedAgent?.name ?? t.contact.nobody} />
          <div>
            <Text size="xs" c="dimmed">
              {t.contact.tags}
            </Text>
            <Group gap={4}>
              {contact.tags.length === 0 && <Text>—</Text>}
              {contact.tags.map((x) => (
                <Badge key={x.id} variant="light">
                  {x.name}
                </Badge>
              ))}
            </Group>
          </div>
          <Field label={t.contacts.channel} value={contact.channel} />
          <Field label={t.contacts.created} value={when(contact.createdAt, language)} />
        </SimpleGrid>
        <Field label={t.form.notes} value={contact.notes} />
      </Paper>
      <Paper withBorder p="md" component="section" aria-labelledby="contact-conversations">
        <Title order={2} size="h4" id="contact-conversations">
          {t.contacts.conversations}
        </Title>
        {conversations.data === null ? (
          <Text c="dimmed">{t.inbox.notAvailable}</Text>
        ) : conversations.data?.length === 0 ? (
          <Text c="dimmed">{t.contacts.noConversations}</Text>
        ) : (
          <ul className="queue-list">
            {conversations.data?.map((c) => (
              <li key={c.id}>
                <Link to={`/inbox/${c.status === 'closed' ? 'closed' : 'open'}/${c.id}`}>
                  {when(c.createdAt, language)} · {c.channel} · {statusWords(t, c)}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Paper>
      <Paper withBorder p="md" component="section" aria-labelledby="contact-history">
        <Title order={2} size="h4" id="contact-history">
          {t.contacts.history}
        </Title>
        {audit.data?.items.length === 0 && <Text c="dimmed">{t.contacts.noHistory}</Text>}
        {audit.data && audit.data.items.length > 0 && (
          <div className="table-scroll">
            <Table>
              <Table.Tbody>
                {audit.data.items.map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td>{when(a.createdAt, language)}</Table.Td>
                    <Table.Td>
                      {a.action}
                      {a.actorId && names.get(a.actorId)
                        ? ` ${t.contacts.by(names.get(a.actorId)!)}`
                        : ` (${a.actorType})`}
                    </Table.Td>
                    <Table.Td className="wrap-anywhere">{Object.keys(a.changes).join(', ')}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        )}
      </Paper>
      <ContactFormDialog opened={editing} onClose={() => setEditing(false)} contact={contact} />
      <Modal opened={confirmArchive} onClose={() => setConfirmArchive(false)} title={t.contacts.archiveTitle}>
        <Stack>
          <Text>{t.contacts.archiveBody}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmArchive(false)}>
              {t.form.cancel}
            </Button>
            <Button color="red" onClick={() => archive.mutate(false)} loading={archive.isPending}>
              {t.contacts.archive}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
