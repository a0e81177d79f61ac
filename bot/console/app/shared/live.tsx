// The live stream: GET /api/v1/conversations/events (SSE), read with fetch() and a stream reader because the
// browser's EventSource cannot send the Authorization header. Each event refreshes what it changes in TanStack
// Query's cache; after a reconnect (every 2 s while the stream is down) everything is fetched again.
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { API, authHeaders } from './api.ts';
import type { ConversationDetail, Message } from './schemas.ts';

export type LiveState = 'connecting' | 'live' | 'offline';
const Context = createContext<LiveState>('connecting');
export const useLiveState = () => useContext(Context);

/** One server-sent event block → its name and parsed data (undefined for comments and keep-alives). */
export function parseEvent(block: string): { event: string; data: unknown } | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (data.length === 0) return undefined;
  try {
    return { event, data: JSON.parse(data.join('\n')) as unknown };
  } catch {
    return undefined;
  }
}

function applyEvent(client: QueryClient, event: string, data: unknown, refresh: () => void) {
  if (event === 'message') {
    const { conversationId, message } = (data ?? {}) as { conversationId?: unknown; message?: Message };
    if (typeof conversationId === 'string' && typeof message?.id === 'string' && typeof message.text === 'string') {
      client.setQueryData<ConversationDetail>(['conversation', conversationId], (old) =>
        old && !old.messages.some((m) => m.id === message.id) ? { ...old, messages: [...old.messages, message] } : old,
      );
    }
  } else if (event === 'conversation') {
    const { conversationId } = (data ?? {}) as { conversationId?: unknown };
    if (typeof conversationId === 'string')
      void client.invalidateQueries({ queryKey: ['conversation', conversationId] });
  }
  refresh();
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');

  useEffect(() => {
    let stopped = false;
    let controller: AbortController | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let debounce: ReturnType<typeof setTimeout> | undefined;
    let everConnected = false;
    // Lists and counts are fetched again once per burst of events.
    const refresh = () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => {
        void client.invalidateQueries({ queryKey: ['conversations'] });
        void client.invalidateQueries({ queryKey: ['counts'] });
        void client.invalidateQueries({ queryKey: ['contact-conversations'] });
      }, 120);
    };

    async function connect() {
      controller = new AbortController();
      try {
        const res = await fetch(`${API}/conversations/events`, { headers: authHeaders(), signal: controller.signal });
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n/g, '\n');
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const parsed = parseEvent(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            if (!parsed) continue;
            if (parsed.event === 'ready') {
              setState('live');
              // Whatever happened while the stream was down is fetched again.
              if (everConnected) void client.invalidateQueries();
              everConnected = true;
            } else applyEvent(client, parsed.event, parsed.data, refresh);
          }
        }
      } catch {
        // offline, refused or aborted: retried below unless stopped
      }
      if (stopped) return;
      setState('offline');
      retry = setTimeout(() => void connect(), 2000);
    }
    void connect();
    return () => {
      stopped = true;
      controller?.abort();
      clearTimeout(retry);
      clearTimeout(debounce);
    };
  }, [client]);

  return <Context.Provider value={state}>{children}</Context.Provider>;
}
