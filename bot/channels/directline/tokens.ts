// Direct Line tokens scoped to one conversation: HMAC-SHA256 signed claims, no storage needed. Pure.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  /** conversation id */
  c: string;
  /** the visitor's user id in that conversation */
  u: string;
  /** business id */
  b: string;
  /** expiry, unix seconds */
  exp: number;
}

export const TOKEN_TTL_SECONDS = 3600;

/**
 * How long after its expiry a visitor's token still resumes its conversation (POST /tokens/resume): a visitor who
 * comes back to the site within this time continues as the same conversation, and so as the same contact, instead
 * of starting over as a new guest.
 */
export const RESUME_WITHIN_SECONDS = 30 * 24 * 3600;

export class TokenSigner {
  private readonly key: Buffer;
  /**
   * `secret`: the server's token secret (BATON_TOKEN_SECRET); a key for Direct Line is derived from it, so tokens
   * stay valid across restarts and instances. Without one, a random key: tokens end with the process.
   */
  constructor(secret?: string) {
    this.key = secret ? createHmac('sha256', secret).update('baton/directline-token').digest() : randomBytes(32);
  }

  sign(claims: Omit<TokenClaims, 'exp'>, nowSeconds = Math.floor(Date.now() / 1000)): string {
    const payload = Buffer.from(JSON.stringify({ ...claims, exp: nowSeconds + TOKEN_TTL_SECONDS })).toString(
      'base64url',
    );
    return `${payload}.${this.mac(payload)}`;
  }

  /**
   * The claims of a valid, unexpired token, else null. `expiredWithinSeconds`: also a token that expired no longer
   * ago than that (to resume its conversation; the signature is checked all the same).
   */
  verify(
    token: string | undefined,
    nowSeconds = Math.floor(Date.now() / 1000),
    expiredWithinSeconds = 0,
  ): TokenClaims | null {
    if (!token) return null;
    const [payload, mac, extra] = token.split('.');
    if (!payload || !mac || extra !== undefined) return null;
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<TokenClaims>;
      if (typeof claims.c !== 'string' || typeof claims.u !== 'string' || typeof claims.b !== 'string') return null;
      if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds - expiredWithinSeconds) return null;
      return claims as TokenClaims;
    } catch {
      return null;
    }
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

/** "Bearer <token>" → token */
export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1];
}
