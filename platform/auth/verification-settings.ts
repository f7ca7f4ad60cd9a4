import { z } from 'zod';
import { blankAsUndefined, envOptionalUrl, optionalString } from '../config/env.js';

/** Where the users subgraph publishes its keys by default (its default port, 4001). */
export const DEFAULT_JWKS_URL = 'http://localhost:4001/.well-known/jwks.json';

/** Where access tokens are verified from: a JWKS URL or a PEM public key, plus the claims they must carry. */
export const tokenVerificationEnvSchema = {
  JWKS_URL: envOptionalUrl(['http:', 'https:']),
  JWT_PUBLIC_KEY: optionalString,
  JWT_ISSUER: z.preprocess(blankAsUndefined, z.string().default('supergraph-users')),
  JWT_AUDIENCE: z.preprocess(blankAsUndefined, z.string().default('supergraph')),
};

/** How a process other than users verifies access tokens: the users JWKS, or a PEM public key. */
export interface VerificationSettings {
  key: { jwksUrl: string } | { publicKey: string };
  issuer: string;
  audience: string;
}

/** A PEM key given in one environment variable, where newlines may be written as `\\n`. */
export const pemFromEnv = (value: string): string => value.replaceAll('\\n', '\n');

/** `defaultJwksUrl`: where the users subgraph publishes its keys when JWKS_URL is not set. */
export function verificationSettings(env: z.infer<z.ZodObject<typeof tokenVerificationEnvSchema>>, defaultJwksUrl = DEFAULT_JWKS_URL): VerificationSettings {
  return {
    key: env.JWT_PUBLIC_KEY ? { publicKey: pemFromEnv(env.JWT_PUBLIC_KEY) } : { jwksUrl: env.JWKS_URL ?? defaultJwksUrl },
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
  };
}
