// The contact beside a conversation (region "Contact"): the guest's pseudonym or the contact's details, tags, the
// assigned agent, earlier conversations, and Edit contact.
import { Anchor, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { when } from '../shared/format.ts';
import { useLanguage } from '../shared/i18n.tsx';
import type { Contact } from '../shared/schemas.ts';
import { statusWords } from '../inbox/words.ts';
import { ContactFormDialog } from './ContactForm.tsx';
import { useContactConversations } from './queries.ts';

export function ContactPanel({ contact, currentConversationId }: { contact: Contact; currentConversationId: string }) {
  const { t, language } = useLanguage();
  const [editing, setEditing] = useState(false);
  const conversations = useContactConversations(contact.id);
  const earlier = conversations.data?.filter((c) => c.id !== currentConversationId);
  const row = (label: string, value: string | null | undefined) =>
    value ? (
      <div>
        <Text size="xs" c="dimmed">
          {label}
        </Text>
        <Text size="sm" className="wrap-anywhere">
          {value}
        </Text>
      </div>
    ) : null;
  const guest = contact.status === 'guest';
  return (
    <Paper withBorder p="md" component="section" aria-label={t.contact.region} className="contact-panel">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Title order={2} size="h4" className="wrap-anywhere">
            {contact.displayName}
          </Title>
          <Button size="xs" variant="light" onClick={() => setEditing(true)}>
            {t.contact.edit}
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          {guest ? t.contact.guest : contact.status === 'archived' ? t.contact.archived : t.contact.active}
        </Text>
        {!guest && row(t.form.email, contact.email)}
        {row(t.form.phone, contact.phone)}
        {row(t.form.businessName, contact.businessName)}
        {row(t.form.notes, contact.notes)}
        <div>
          <Text size="xs" c="dimmed">
            {t.contact.tags}
          </Text>
          {contact.tags.length ? (
            <Group gap={4}>
              {contact.tags.map((x) => (
                <Badge key={x.id} variant="light">
                  {x.name}
                </Badge>
              ))}
            </Group>
          ) : (
            <Text size="sm">{t.contact.noTags}</Text>
          )}
        </div>
        {row(t.contact.assigned, contact.assignedAgent?.name ?? t.contact.nobody)}
        {!guest && (
          <Anchor component={Link} to={`/contacts/${contact.id}`} size="sm">
            {t.contact.open}
          </Anchor>
        )}
        {earlier !== undefined && earlier !== null && (
          <div>
            <Title order={3} size="h6">
              {t.contact.earlier}
            </Title>
            {earlier.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t.contact.noEarlier}
              </Text>
            ) : (
              <ul className="queue-list">
                {earlier.map((c) => (
                  <li key={c.id}>
                    <Link to={`/inbox/${c.status === 'closed' ? 'closed' : 'open'}/${c.id}`}>
                      <Text size="xs">
                        {when(c.createdAt, language)} · {statusWords(t, c)}
                      </Text>
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </Stack>
      <ContactFormDialog opened={editing} onClose={() => setEditing(false)} contact={contact} />
    </Paper>
  );
}
