// The console's entry: providers (Mantine, TanStack Query, language) and the router, mounted on #root.
import '@mantine/core/styles.css';
import './shared/app.css';
import { MantineProvider, createTheme } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './shared/App.tsx';
import { ApiError } from './shared/api.ts';
import { LanguageProvider } from './shared/i18n.tsx';

// This script's CSP nonce (a classic script can read its own tag): Mantine puts it on the <style> elements it writes.
const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';

const theme = createTheme({ primaryColor: 'indigo', focusRing: 'always', defaultRadius: 'md' });

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // An unreachable server is retried (the screen says so); a refusal is not.
      retry: (count, e) => e instanceof ApiError && (e.code === 'NETWORK' || e.status >= 500) && count < 30,
      retryDelay: 2000,
      refetchOnWindowFocus: false,
      staleTime: 5_000,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} getStyleNonce={() => nonce}>
      <QueryClientProvider client={queryClient}>
        <LanguageProvider>
          <App />
        </LanguageProvider>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
