// The unauthenticated local mode of POST /api/messages (no MicrosoftAppId): only the Bot Framework Emulator on this
// machine may use it. A request is local when it came over the loopback interface and not through a proxy (a proxy on
// the same machine connects from loopback, so its forwarding headers are what tell the request came from elsewhere).
import type { FastifyReply, FastifyRequest } from 'fastify';

const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'] as const;

export const LOCAL_ONLY_MESSAGE =
  'no MicrosoftAppId is set, so /api/messages accepts only unauthenticated requests from this machine (the Bot ' +
  'Framework Emulator); set MicrosoftAppId and MicrosoftAppPassword to accept Azure Bot Service';

/** 127.0.0.0/8 and ::1, also written as IPv4-mapped IPv6 (::ffff:127.0.0.1). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.toLowerCase().replace(/^::ffff:/, '');
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || address === '::1';
}

/** Came straight from this machine: a loopback peer and no proxy's forwarding header. */
export function isLocalRequest(remoteAddress: string | undefined, headers: Record<string, unknown>): boolean {
  return isLoopbackAddress(remoteAddress) && FORWARDING_HEADERS.every((h) => headers[h] === undefined);
}

/** onRequest hook of /api/messages in local mode: 401 naming MicrosoftAppId for anything not local. */
export async function refuseNonLocal(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  if (isLocalRequest(request.socket.remoteAddress, request.headers)) return undefined;
  return reply.code(401).send({ error: { code: 'UNAUTHENTICATED', message: LOCAL_ONLY_MESSAGE } });
}
