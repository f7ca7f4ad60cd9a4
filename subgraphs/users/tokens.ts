import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE, createTokenVerifier } from '../../platform/auth/token-verifier.js';
import type { Role, TokenVerifier } from '../../platform/auth/token-verifier.js';
import type { SigningKey } from '../../platform/auth/signing-key.js';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

export interface TokenIssuer {
  accessToken(user: { id: string; role: Role }): Promise<string>;
  /** Verifies with this issuer's own public key: the users subgraph needs no JWKS fetch. */
  verifier: TokenVerifier;
}

export function createTokenIssuer(key: SigningKey, { issuer, audience }: { issuer: string; audience: string }): TokenIssuer {
  return {
    accessToken: ({ id, role }) =>
      new SignJWT({ role })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid: key.kid })
        .setSubject(id)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
        .setJti(randomUUID())
        .sign(key.privateKey),
    verifier: createTokenVerifier({ key: { publicKey: key.publicKey }, issuer, audience }),
  };
}

/** A new opaque refresh token: 256 random bits. Only its hash is stored. */
export function newRefreshToken(): { value: string; hash: string } {
  const value = randomBytes(32).toString('base64url');
  return { value, hash: hashRefreshToken(value) };
}

/** sha256 is enough here: the token is random, so there is nothing to brute-force. */
export const hashRefreshToken = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');
