// Broadcasts keep their place in the navigation; the broadcast issue fills this screen.
import { Alert, Stack, Title } from '@mantine/core';
import { useTexts } from '../shared/i18n.tsx';

export function BroadcastsPage() {
  const t = useTexts();
  return (
    <Stack maw={720}>
      <Title order={1} size="h2">
        {t.broadcasts.title}
      </Title>
      <Alert color="blue">{t.broadcasts.coming}</Alert>
    </Stack>
  );
}
