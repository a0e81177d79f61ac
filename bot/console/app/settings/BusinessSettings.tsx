// Business: name, country (how phone numbers without + are read), handover timeout.
import { Alert, Button, Loader, NativeSelect, NumberInput, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, ApiError } from '../shared/api.ts';
import { countryOptions } from '../shared/countries.ts';
import { errorText, useLanguage } from '../shared/i18n.tsx';
import { useBusiness } from '../shared/queries.ts';
import { businessSchema } from '../shared/schemas.ts';

export function BusinessSettings() {
  const { t, language } = useLanguage();
  const client = useQueryClient();
  const business = useBusiness();
  const countries = useMemo(() => countryOptions(language), [language]);
  const [name, setName] = useState('');
  const [country, setCountry] = useState('GB');
  const [timeout, setTimeoutSeconds] = useState<number | string>(120);
  useEffect(() => {
    if (!business.data) return;
    setName(business.data.name);
    setCountry(business.data.country);
    setTimeoutSeconds(business.data.handoverTimeoutSeconds);
  }, [business.data]);
  const save = useMutation({
    mutationFn: () =>
      api('PATCH', '/business', businessSchema, {
        name: name.trim(),
        country,
        handoverTimeoutSeconds: Number(timeout),
      }),
    onSuccess: (b) => client.setQueryData(['business'], b),
  });
  if (business.isPending) return <Loader size="sm" aria-label={t.loading} />;
  if (business.isError)
    return (
      <Alert color="orange" role="status">
        {errorText(t, business.error)}
      </Alert>
    );
  const err = save.error instanceof ApiError ? save.error : null;
  const fieldError = (f: string) => (err?.field === f ? err.message : undefined);
  return (
    <form
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Stack maw={480}>
        <TextInput
          label={t.settings.businessName}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError('name')}
          required
        />
        <NativeSelect
          label={t.settings.country}
          value={country}
          onChange={(e) => setCountry(e.currentTarget.value)}
          data={countries}
          error={fieldError('country')}
        />
        <NumberInput
          label={t.settings.handover}
          description={t.settings.handoverHint}
          value={timeout}
          onChange={setTimeoutSeconds}
          min={1}
          max={86400}
          allowDecimal={false}
          error={fieldError('handoverTimeoutSeconds')}
        />
        {save.isError && !err?.field && (
          <Alert color="red" role="alert">
            {errorText(t, save.error)}
          </Alert>
        )}
        {save.isSuccess && (
          <Alert color="green" role="status">
            {t.settings.saved}
          </Alert>
        )}
        <Button type="submit" loading={save.isPending} w="fit-content">
          {t.settings.save}
        </Button>
      </Stack>
    </form>
  );
}
