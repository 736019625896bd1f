import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { Role } from '../entities/user.entity';
import type { UserViewer } from './viewer';

// Credentials: short-lived signed access tokens (JWT, HS256), opaque refresh tokens and API keys
// (random, stored only as a sha256: they carry 256 bits of entropy, so a slow hash adds nothing),
// and signed media URLs so <img> tags can load photos without sending a header.

const ISSUER = 'rollcall';

export class TokenSigner {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly accessTtlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  /** `sessionId` is the login (refresh-token family): logging out or a revoked login ends the token too. */
  async issueAccessToken(
    user: Omit<UserViewer, 'kind' | 'sessionId' | 'expiresAt'>,
    sessionId: string,
  ): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(Date.now() + this.accessTtlSeconds * 1000);
    const token = await new SignJWT({
      inst: user.institutionId,
      role: user.role,
      email: user.email,
      sid: sessionId,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject(user.userId)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    return { token, expiresAt };
  }

  /** The viewer a valid access token stands for, or null for a bad or expired one. */
  async verifyAccessToken(token: string): Promise<UserViewer | null> {
    try {
      // Only HS256 (no `none`, no key confusion); a token without an expiry would never die.
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      const role = payload.role;
      if (
        typeof payload.sub !== 'string' ||
        typeof payload.sid !== 'string' ||
        typeof payload.exp !== 'number' ||
        typeof payload.inst !== 'string' ||
        typeof payload.email !== 'string' ||
        (role !== Role.ADMIN && role !== Role.TEACHER)
      ) {
        return null;
      }
      return {
        kind: 'user',
        userId: payload.sub,
        institutionId: payload.inst,
        role,
        email: payload.email,
        sessionId: payload.sid,
        expiresAt: payload.exp * 1000,
      };
    } catch {
      return null;
    }
  }

  /** `/media/<kind>/<id>?exp=..&sig=..`, valid for `ttlSeconds`. */
  signMediaPath(kind: string, id: string, ttlSeconds: number): string {
    const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
    return `/media/${kind}/${id}?exp=${exp}&sig=${this.mediaSignature(kind, id, exp)}`;
  }

  verifyMediaPath(kind: string, id: string, exp: string, sig: string): boolean {
    const expiry = Number(exp);
    if (!Number.isInteger(expiry) || expiry < Date.now() / 1000) {
      return false;
    }
    const expected = Buffer.from(this.mediaSignature(kind, id, expiry));
    const given = Buffer.from(sig);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private mediaSignature(kind: string, id: string, exp: number): string {
    return createHmac('sha256', this.key).update(`media:${kind}:${id}:${exp}`).digest('base64url');
  }
}

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** Constant-time comparison of two hex digests. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
