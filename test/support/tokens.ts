import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';

export interface TokenClaims {
  sub?: string;
  role?: string;
  /** Expiry: seconds since the epoch, or a jose duration such as '5m'. */
  exp?: number | string;
  typ?: string;
}

/** An access token signed with `signingKeyPem`, shaped as users issues them unless told otherwise. */
export function mintAccessToken(signingKeyPem: string, { sub = '01900000-0000-7000-8000-000000000001', role, exp = '5m', typ = 'at+jwt' }: TokenClaims = {}): Promise<string> {
  return new SignJWT(role === undefined ? {} : { role })
    .setProtectedHeader({ alg: 'EdDSA', typ })
    .setSubject(sub)
    .setIssuer('supergraph-users')
    .setAudience('supergraph')
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(createPrivateKey(signingKeyPem));
}
