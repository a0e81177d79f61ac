// The router (under /console, every screen a deep link) behind the login.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { BroadcastsPage } from '../broadcasts/index.ts';
import { ContactPage, ContactsPage } from '../contacts/index.ts';
import { ImportWizard } from '../import/index.ts';
import { InboxPage } from '../inbox/index.ts';
import { LoginPage } from '../login/index.ts';
import { SettingsPage } from '../settings/index.ts';
import { getSession, onSessionChange } from './api.ts';
import { Layout } from './Layout.tsx';

const router = createBrowserRouter(
  [
    {
      element: <Layout />,
      children: [
        { index: true, element: <Navigate to="/inbox/waiting" replace /> },
        { path: 'inbox', element: <Navigate to="/inbox/waiting" replace /> },
        { path: 'inbox/:queue/:conversationId?', element: <InboxPage /> },
        { path: 'contacts', element: <ContactsPage /> },
        { path: 'contacts/import/:importId?', element: <ImportWizard /> },
        { path: 'contacts/:contactId', element: <ContactPage /> },
        { path: 'broadcasts/:broadcastId?', element: <BroadcastsPage /> },
        { path: 'settings/:section?', element: <SettingsPage /> },
        { path: '*', element: <Navigate to="/inbox/waiting" replace /> },
      ],
    },
  ],
  { basename: '/console' },
);

export function App() {
  const session = useSyncExternalStore(onSessionChange, () => getSession()?.token ?? null);
  const client = useQueryClient();
  useEffect(() => {
    if (!session) client.clear();
  }, [session, client]);
  if (!session) return <LoginPage />;
  return <RouterProvider router={router} />;
}
