// The contact form (add and edit) in a dialog: every field, tags, assigned agent. An API refusal naming a field
// ("this phone belongs to another contact") is shown under that field and nothing is saved.
import {
  Alert,
  Button,
  Fieldset,
  Group,
  Modal,
  MultiSelect,
  NativeSelect,
  SimpleGrid,
  Stack,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../shared/api.ts';
import { errorText, useTexts } from '../shared/i18n.tsx';
import { useAgents, useTags } from '../shared/queries.ts';
import { ADDRESS_PARTS, contactSchema, type Address, type Contact } from '../shared/schemas.ts';
import type { Texts } from '../shared/texts.ts';

type Values = Record<string, string>;
const TEXT_FIELDS = ['firstName', 'middleName', 'lastName', 'businessName', 'email', 'phone', 'notes'] as const;

function initialValues(c: Contact | undefined, suggestedPhone?: string | null): Values {
  const v: Values = {};
  for (const f of TEXT_FIELDS) v[f] = c?.[f] ?? '';
  if (c?.status === 'guest') v.email = c.email?.endsWith('.invalid') ? '' : v.email!; // pseudonymous guest emails
  if (!v.phone && suggestedPhone) v.phone = suggestedPhone;
  for (const p of ADDRESS_PARTS) {
    v[`address.${p}`] = c?.address[p] ?? '';
    v[`billingAddress.${p}`] = c?.billingAddress[p] ?? '';
  }
  return v;
}

const nullIfEmpty = (s: string | undefined) => (s && s.trim() ? s.trim() : null);

function body(v: Values, adding: boolean) {
  const address = (prefix: string) =>
    Object.fromEntries(ADDRESS_PARTS.map((p) => [p, nullIfEmpty(v[`${prefix}.${p}`])])) as Address;
  const out: Record<string, unknown> = {};
  for (const f of TEXT_FIELDS) {
    const value = nullIfEmpty(v[f]);
    if (adding && value === null) continue;
    out[f] = value;
  }
  out.address = address('address');
  out.billingAddress = address('billingAddress');
  return out;
}

const labels = (t: Texts): Record<(typeof ADDRESS_PARTS)[number], string> => ({
  line1: t.form.line1,
  line2: t.form.line2,
  city: t.form.city,
  region: t.form.region,
  postalCode: t.form.postalCode,
  country: t.form.country,
});

export function ContactFormDialog({
  opened,
  onClose,
  contact,
  suggestedPhone,
  onSaved,
}: {
  opened: boolean;
  onClose: () => void;
  contact?: Contact | undefined;
  suggestedPhone?: string | null | undefined;
  onSaved?: (c: Contact) => void;
}) {
  const t = useTexts();
  return (
    <Modal opened={opened} onClose={onClose} title={contact ? t.form.editTitle : t.form.addTitle} size="xl">
      {opened && <ContactForm contact={contact} suggestedPhone={suggestedPhone} onDone={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

function ContactForm({
  contact,
  suggestedPhone,
  onDone,
  onSaved,
}: {
  contact?: Contact | undefined;
  suggestedPhone?: string | null | undefined;
  onDone: () => void;
  onSaved?: ((c: Contact) => void) | undefined;
}) {
  const t = useTexts();
  const client = useQueryClient();
  const tags = useTags();
  const agents = useAgents();
  const [values, setValues] = useState<Values>(() => initialValues(contact));
  const [tagIds, setTagIds] = useState<string[]>(contact?.tags.map((x) => x.id) ?? []);
  const [agentId, setAgentId] = useState(contact?.assignedAgent?.id ?? '');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const set = (name: string) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setValues((v) => ({ ...v, [name]: value }));
  };

  const save = useMutation({
    mutationFn: async () => {
      let saved = contact
        ? await api('PATCH', `/contacts/${contact.id}`, contactSchema, body(values, false))
        : await api('POST', '/contacts', contactSchema, body(values, true));
      const oldTags = (contact?.tags ?? []).map((x) => x.id).sort();
      if (JSON.stringify([...tagIds].sort()) !== JSON.stringify(oldTags))
        saved = await api('PUT', `/contacts/${saved.id}/tags`, contactSchema, { tagIds });
      if ((saved.assignedAgent?.id ?? '') !== agentId)
        saved = await api('PUT', `/contacts/${saved.id}/assignment`, contactSchema, { agentId: agentId || null });
      return saved;
    },
    onMutate: () => {
      setFieldErrors({});
      setFormError(null);
    },
    onSuccess: (saved) => {
      client.setQueryData(['contact', saved.id], saved);
      void client.invalidateQueries({ queryKey: ['contacts'] });
      void client.invalidateQueries({ queryKey: ['contact', saved.id] });
      void client.invalidateQueries({ queryKey: ['conversation'] });
      void client.invalidateQueries({ queryKey: ['conversations'] });
      void client.invalidateQueries({ queryKey: ['tags'] });
      void client.invalidateQueries({ queryKey: ['audit', saved.id] });
      onSaved?.(saved);
      onDone();
    },
    onError: (e) => {
      const field = e instanceof ApiError ? e.field?.replace(/^body\./, '') : undefined;
      if (field && field in values) setFieldErrors({ [field]: e.message });
      else setFormError(errorText(t, e));
    },
  });

  const input = (name: string, label: string, extra: Record<string, unknown> = {}) => (
    <TextInput
      label={label}
      value={values[name] ?? ''}
      onChange={set(name)}
      error={fieldErrors[name]}
      name={name}
      {...extra}
    />
  );
  const addressLabels = labels(t);
  const addressFields = (prefix: 'address' | 'billingAddress') => (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
      {ADDRESS_PARTS.map((p) => (
        <div key={p}>{input(`${prefix}.${p}`, addressLabels[p])}</div>
      ))}
    </SimpleGrid>
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          {input('firstName', t.form.firstName, { required: !contact || contact.status !== 'guest' })}
          {input('middleName', t.form.middleName)}
          {input('lastName', t.form.lastName, { required: !contact || contact.status !== 'guest' })}
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          {input('email', t.form.email, { type: 'email' })}
          {input('phone', t.form.phone, {
            type: 'tel',
            description: t.form.phoneHint,
          })}
          {input('businessName', t.form.businessName)}
        </SimpleGrid>
        {suggestedPhone && !values.phone && (
          <Button variant="subtle" size="xs" onClick={() => setValues((v) => ({ ...v, phone: suggestedPhone }))}>
            {t.form.suggestMobile(suggestedPhone)}
          </Button>
        )}
        <Fieldset legend={t.form.address}>{addressFields('address')}</Fieldset>
        <Fieldset legend={t.form.billing}>{addressFields('billingAddress')}</Fieldset>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <MultiSelect
            label={t.form.tags}
            data={(tags.data?.items ?? []).map((x) => ({ value: x.id, label: x.name }))}
            value={tagIds}
            onChange={setTagIds}
            searchable
            clearable
            comboboxProps={{ withinPortal: true }}
          />
          <NativeSelect
            label={t.form.assigned}
            value={agentId}
            onChange={(e) => setAgentId(e.currentTarget.value)}
            data={[
              { value: '', label: t.contact.nobody },
              ...(agents.data?.items ?? []).map((a) => ({ value: a.id, label: a.name })),
            ]}
          />
        </SimpleGrid>
        <Textarea label={t.form.notes} value={values.notes ?? ''} onChange={set('notes')} error={fieldErrors.notes} />
        {formError && (
          <Alert color="red" role="alert">
            {formError}
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
