// Settings (admins): Tags, Team, Business, Channels, each a tab with its own URL (/console/settings/team).
import { Alert, Stack, Tabs, Title } from '@mantine/core';
import { useNavigate, useParams } from 'react-router';
import { getSession } from '../shared/api.ts';
import { useTexts } from '../shared/i18n.tsx';
import { BusinessSettings } from './BusinessSettings.tsx';
import { ChannelSettings } from './ChannelSettings.tsx';
import { TagSettings } from './TagSettings.tsx';
import { TeamSettings } from './TeamSettings.tsx';

const SECTIONS = ['tags', 'team', 'business', 'channels'] as const;
type Section = (typeof SECTIONS)[number];

export function SettingsPage() {
  const t = useTexts();
  const navigate = useNavigate();
  const params = useParams();
  const section: Section = (SECTIONS as readonly string[]).includes(params.section ?? '')
    ? (params.section as Section)
    : 'tags';
  if (getSession()?.user.role !== 'admin')
    return (
      <Stack>
        <Title order={1} size="h2">
          {t.settings.title}
        </Title>
        <Alert color="blue">{t.settings.adminsOnly}</Alert>
      </Stack>
    );
  return (
    <Stack>
      <Title order={1} size="h2">
        {t.settings.title}
      </Title>
      <Tabs value={section} onChange={(s) => s && void navigate(`/settings/${s}`)} keepMounted={false}>
        <Tabs.List>
          {SECTIONS.map((s) => (
            <Tabs.Tab key={s} value={s}>
              {t.settings[s]}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="tags" pt="md">
          <TagSettings />
        </Tabs.Panel>
        <Tabs.Panel value="team" pt="md">
          <TeamSettings />
        </Tabs.Panel>
        <Tabs.Panel value="business" pt="md">
          <BusinessSettings />
        </Tabs.Panel>
        <Tabs.Panel value="channels" pt="md">
          <ChannelSettings />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
