// The frame of every screen: the main navigation, the live state, language, the new-chat sound, and the page
// title's waiting count.
import { Badge, Button, Group, NativeSelect, Switch, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { NavLink, Outlet } from 'react-router';
import { setSession } from './api.ts';
import { useLanguage } from './i18n.tsx';
import { LiveProvider, useLiveState } from './live.tsx';
import { useCounts } from './queries.ts';
import { LANGUAGES, type Language } from './texts.ts';

const SOUND_KEY = 'baton.sound';

/** A short two-tone chime made with Web Audio (no sound file to fetch). */
function chime() {
  try {
    const audio = new AudioContext();
    for (const [i, f] of [660, 880].entries()) {
      const o = audio.createOscillator();
      const g = audio.createGain();
      o.frequency.value = f;
      g.gain.setValueAtTime(0.15, audio.currentTime + i * 0.15);
      g.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + i * 0.15 + 0.3);
      o.connect(g).connect(audio.destination);
      o.start(audio.currentTime + i * 0.15);
      o.stop(audio.currentTime + i * 0.15 + 0.3);
    }
    setTimeout(() => void audio.close(), 1000);
  } catch {
    // no audio here: the title and the tab count still say it
  }
}

function WaitingSignal({ sound }: { sound: boolean }) {
  const { t } = useLanguage();
  const counts = useCounts();
  const waiting = counts.data?.waiting;
  const previous = useRef<number | undefined>(undefined);
  useEffect(() => {
    document.title = waiting ? `(${waiting}) ${t.appName}` : t.appName;
    if (waiting !== undefined && previous.current !== undefined && waiting > previous.current && sound) chime();
    previous.current = waiting;
  }, [waiting, sound, t]);
  return null;
}

function LiveBadge() {
  const { t } = useLanguage();
  const state = useLiveState();
  return state === 'live' ? (
    <Badge color="green" variant="light">
      {t.nav.live}
    </Badge>
  ) : (
    <Badge color="orange" variant="light" role="status">
      {state === 'offline' ? t.cantReach : t.nav.offline}
    </Badge>
  );
}

export function Layout() {
  const { t, language, setLanguage } = useLanguage();
  const [sound, setSound] = useState(() => localStorage.getItem(SOUND_KEY) === '1');
  return (
    <LiveProvider>
      <WaitingSignal sound={sound} />
      <header className="app-header">
        <Text fw={700} size="lg">
          {t.appName}
        </Text>
        <nav aria-label={t.nav.main} className="app-nav">
          <NavLink to="/inbox">{t.nav.inbox}</NavLink>
          <NavLink to="/contacts">{t.nav.contacts}</NavLink>
          <NavLink to="/broadcasts">{t.nav.broadcasts}</NavLink>
          <NavLink to="/settings">{t.nav.settings}</NavLink>
        </nav>
        <Group gap="sm" ml="auto" wrap="wrap">
          <LiveBadge />
          <Switch
            label={t.nav.sound}
            checked={sound}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              localStorage.setItem(SOUND_KEY, on ? '1' : '0');
              setSound(on);
              if (on) chime();
            }}
          />
          <NativeSelect
            aria-label={t.nav.language}
            value={language}
            onChange={(e) => setLanguage(e.currentTarget.value as Language)}
            data={Object.entries(LANGUAGES).map(([value, label]) => ({ value, label }))}
          />
          <Button variant="subtle" onClick={() => setSession(null)}>
            {t.nav.logout}
          </Button>
        </Group>
      </header>
      <main className="app-main">
        <Outlet />
      </main>
    </LiveProvider>
  );
}
