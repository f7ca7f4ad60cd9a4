import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { forbidden, unauthenticated } from '../errors.js';
import { isId } from '../pagination.js';

export type Role = 'USER' | 'ADMIN';

/** The identity a request acts as, taken from a verified access token. */
export interface Viewer {
  id: string;
  role: Role;
  /** When the access token stops being valid, in milliseconds since the epoch. */
  expiresAt: number;
}

/** The JOSE `typ` of access tokens (RFC 9068). A token of another type never passes. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** Ed25519 signatures: the one algorithm accepted, so no token can pick a weaker one. */
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';

export interface TokenVerifier {
  /** The token's viewer; rejects with UNAUTHENTICATED when it is not a valid access token. */
  verify(token: string): Promise<Viewer>;
}

export interface TokenVerifierOptions {
  /** A JWKS endpoint (refetched when a token names an unknown key) or a public key. */
  key: { jwksUrl: string } | { publicKey: KeyObject | string };
  issuer: string;
  audience: string;
  /** The clock tokens are checked against, in milliseconds since the epoch. */
  now?: () => number;
}

/** Verified tokens remembered at once (about 3 MB): a client sends the same token many times. */
const VERIFIED_CACHE_SIZE = 10_000;

export function createTokenVerifier({ key, issuer, audience, now = Date.now }: TokenVerifierOptions): TokenVerifier {
  // Only successes are remembered, and only until the token's own expiry: the answer
  // for a given token cannot change before then, and the signature check costs most of
  // a request's crypto in every process it passes through.
  const verified = new Map<string, Viewer>();
  const getKey: KeyObject | JWTVerifyGetKey =
    'jwksUrl' in key
      ? createRemoteJWKSet(new URL(key.jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5_000 })
      : typeof key.publicKey === 'string'
        ? createPublicKey(key.publicKey)
        : key.publicKey;
  return {
    async verify(token) {
      const remembered = verified.get(token);
      if (remembered && remembered.expiresAt > now()) return remembered;
      try {
        const { payload } = await jwtVerify(token, getKey as JWTVerifyGetKey, {
          algorithms: [ACCESS_TOKEN_ALGORITHM],
          typ: ACCESS_TOKEN_TYPE,
          issuer,
          audience,
          requiredClaims: ['sub', 'exp', 'iat'],
          currentDate: new Date(now()),
        });
        const role = payload['role'];
        // users issues UUIDs only: another `sub` would reach a uuid column and fail there.
        if (typeof payload.sub !== 'string' || !isId(payload.sub) || (role !== 'USER' && role !== 'ADMIN')) throw new Error('bad claims');
        const viewer: Viewer = { id: payload.sub.toLowerCase(), role, expiresAt: (payload.exp as number) * 1000 };
        verified.set(token, viewer);
        if (verified.size > VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value as string);
        return viewer;
      } catch {
        throw unauthenticated('The access token is invalid or has expired.');
      }
    },
  };
}

/**
 * The viewer named by an `Authorization` header: null when there is none, UNAUTHENTICATED
 * when there is one that does not hold a valid bearer token. A bad token is never treated
 * as anonymous, so a client learns at once that it must refresh.
 */
export async function viewerFromAuthorization(header: string | undefined, verifier: TokenVerifier): Promise<Viewer | null> {
  if (header === undefined || header === '') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw unauthenticated('The Authorization header must be "Bearer <access token>".');
  return verifier.verify(match[1]);
}

/** The signed-in viewer, or UNAUTHENTICATED. */
export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
}

/**
 * The signed-in viewer whose token carries the ADMIN role: UNAUTHENTICATED when anonymous,
 * FORBIDDEN otherwise. The role is the token's, so a change of role takes effect with the
 * user's next access token.
 */
export function requireAdmin(viewer: Viewer | null): Viewer {
  const signedIn = requireViewer(viewer);
  if (signedIn.role !== 'ADMIN') throw forbidden('Only admins may do this.');
  return signedIn;
}
