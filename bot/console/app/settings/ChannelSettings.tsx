// Channels: WhatsApp's state in words, its pairing QR while it waits to be linked, and why it cannot connect; the
// webchat embed snippet, ready to copy.
import { Alert, Anchor, Button, Code, CopyButton, Image, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { get, isMissingEndpoint } from '../shared/api.ts';
import { errorText, useTexts } from '../shared/i18n.tsx';
import { useBusiness } from '../shared/queries.ts';
import { webchatSchema, whatsAppSchema } from '../shared/schemas.ts';

function WhatsApp() {
  const t = useTexts();
  const status = useQuery({
    queryKey: ['whatsapp'],
    queryFn: async () => {
      try {
        return await get('/channels/whatsapp', whatsAppSchema);
      } catch (e) {
        if (isMissingEndpoint(e)) return { state: 'disabled', qrSvg: null, reason: null };
        throw e;
      }
    },
    refetchInterval: 4000,
  });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="whatsapp-title">
      <Stack gap="xs">
        <Title order={2} size="h4" id="whatsapp-title">
          {t.settings.whatsapp}
        </Title>
        {status.isPending && <Loader size="sm" aria-label={t.loading} />}
        {status.isError && (
          <Alert color="orange" role="status">
            {errorText(t, status.error)}
          </Alert>
        )}
        {status.data && (
          <>
            <Text role="status">{t.settings.whatsappState[status.data.state] ?? status.data.state}</Text>
            {status.data.reason && status.data.state !== 'ready' && (
              <Text size="sm" c="dimmed">
                {t.settings.reason(status.data.reason)}
              </Text>
            )}
            {status.data.qrSvg && (
              <div className="qr">
                <Image
                  src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(status.data.qrSvg)}`}
                  alt={t.settings.whatsappQr}
                />
              </div>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}

function Webchat() {
  const t = useTexts();
  const business = useBusiness();
  const webchat = useQuery({
    queryKey: ['webchat'],
    queryFn: async () => {
      try {
        return await get('/channels/webchat', webchatSchema);
      } catch (e) {
        if (isMissingEndpoint(e)) return null;
        throw e;
      }
    },
  });
  // On a server without GET /channels/webchat yet, the snippet the README documents.
  const slug = business.data?.slug ?? '';
  const snippet =
    webchat.data?.snippet ?? `<script src="${location.origin}/webchat.js" data-business="${slug}" async></script>`;
  const demoUrl = webchat.data?.demoUrl ?? `${location.origin}/?business=${encodeURIComponent(slug)}`;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="webchat-title">
      <Stack gap="xs">
        <Title order={2} size="h4" id="webchat-title">
          {t.settings.webchat}
        </Title>
        <Text size="sm" id="snippet-hint">
          {t.settings.snippetHint}
        </Text>
        <Code block aria-label={t.settings.snippet} className="wrap-anywhere">
          {snippet}
        </Code>
        <CopyButton value={snippet}>
          {({ copied, copy }) => (
            <Button onClick={copy} variant={copied ? 'light' : 'default'} w="fit-content">
              {copied ? t.settings.copied : t.settings.copy}
            </Button>
          )}
        </CopyButton>
        <Anchor href={demoUrl} target="_blank" rel="noreferrer">
          {t.settings.demo}
        </Anchor>
      </Stack>
    </Paper>
  );
}

export function ChannelSettings() {
  return (
    <Stack maw={720}>
      <WhatsApp />
      <Webchat />
    </Stack>
  );
}
