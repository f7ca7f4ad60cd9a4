import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import type { JWK } from 'jose';
import { ACCESS_TOKEN_ALGORITHM } from './token-verifier.js';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The key id in every token header: the JWK thumbprint (RFC 7638) of the public key. */
  kid: string;
  /** What `/.well-known/jwks.json` serves. */
  jwks: { keys: JWK[] };
}

/** A new Ed25519 private key in PKCS#8 PEM: for `.data/` in embedded mode and `npm run keygen`. */
export function generateSigningKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export async function loadSigningKey(pem: string): Promise<SigningKey> {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new Error('The JWT private key is not a PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`The JWT private key must be Ed25519, not ${privateKey.asymmetricKeyType ?? 'symmetric'}`);
  }
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey, publicKey, kid, jwks: { keys: [{ ...jwk, kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' }] } };
}
