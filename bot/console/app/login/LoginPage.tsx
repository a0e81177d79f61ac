// Log in with email and password (POST /auth/login); the token stays in this tab.
import { Alert, Button, Paper, Stack, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { api, ApiError, setSession } from '../shared/api.ts';
import { errorText, useTexts } from '../shared/i18n.tsx';
import { loginSchema } from '../shared/schemas.ts';

export function LoginPage() {
  const t = useTexts();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      setSession(
        await api('POST', '/auth/login', loginSchema, { email: form.get('email'), password: form.get('password') }),
      );
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t.login.wrong : errorText(t, err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <main>
      <Paper maw={380} mx="auto" mt="10vh" p="xl" withBorder>
        <form onSubmit={(e) => void submit(e)}>
          <Stack>
            <Title order={1} size="h3">
              {t.login.title}
            </Title>
            <TextInput name="email" type="email" label={t.login.email} autoComplete="username" required />
            <TextInput
              name="password"
              type="password"
              label={t.login.password}
              autoComplete="current-password"
              required
            />
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <Button type="submit" loading={busy}>
              {t.login.submit}
            </Button>
          </Stack>
        </form>
      </Paper>
    </main>
  );
}
