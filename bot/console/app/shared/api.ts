// The console's only way to the server: the documented JSON API under /api/v1, with the bearer token kept in this
// tab's sessionStorage (closing the tab logs out; never localStorage or a cookie). Responses have the shapes in schemas.ts.
import { isSession, type Session, type Shape } from './schemas.ts';

export const API = '/api/v1';
const SESSION_KEY = 'baton.session';

/** An API refusal ({"error":{"code","message","field"}}), or NETWORK when Baton could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function getSession(): Session | null {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
    return isSession(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

const sessionListeners = new Set<() => void>();
export function onSessionChange(listener: () => void): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}
export function setSession(session: Session | null): void {
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
  for (const l of sessionListeners) l();
}

export function authHeaders(): Record<string, string> {
  const session = getSession();
  return session ? { authorization: `Bearer ${session.token}` } : {};
}

async function errorOf(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const e = (body as { error?: { code?: unknown; message?: unknown; field?: unknown; details?: unknown } } | undefined)
    ?.error;
  return new ApiError(
    res.status,
    typeof e?.code === 'string' ? e.code : `HTTP_${res.status}`,
    typeof e?.message === 'string' ? e.message : res.statusText,
    typeof e?.field === 'string' ? e.field : undefined,
    e?.details && typeof e.details === 'object' ? (e.details as Record<string, unknown>) : undefined,
  );
}

/** One request; throws ApiError. A 401 ends the session (token expired, user deactivated). */
export async function send(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    const isForm = body instanceof FormData;
    res = await fetch(`${API}${path}`, {
      method,
      headers: {
        ...authHeaders(),
        ...(body === undefined || isForm ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
      signal: signal ?? null,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', 'Baton could not be reached');
  }
  if (res.status === 401 && getSession()) setSession(null);
  if (!res.ok) throw await errorOf(res);
  return res;
}

/** A JSON request; the answer has the shape the API documents (the server validates what it sends). */
export async function api<T>(method: string, path: string, _shape: Shape<T>, body?: unknown): Promise<T> {
  const res = await send(method, path, body);
  try {
    return (await res.json()) as T;
  } catch {
    throw new ApiError(res.status, 'UNEXPECTED_RESPONSE', `unexpected answer from ${path}`);
  }
}

export const get = <T>(path: string, shape: Shape<T>) => api('GET', path, shape);

/** Downloads a file the API serves behind the token (CSV exports) by way of a blob: link. */
export async function download(path: string, fileName: string): Promise<void> {
  const res = await send('GET', path);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const isMissingEndpoint = (e: unknown) =>
  e instanceof ApiError && e.status === 404 && e.code === 'NOT_FOUND' && e.message.startsWith('no route');
