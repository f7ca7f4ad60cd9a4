import { readFileSync } from 'node:fs';
import { databaseUrl, defaultSubgraphPort, envInt, envPort, optionalString, parseEnv, pemFromEnv, subgraphEnvSchema, subgraphSettings, tokenVerificationEnvSchema } from '../shared/config.js';
import type { Env, SubgraphSettings } from '../shared/config.js';

export interface UsersConfig extends SubgraphSettings {
  /** Ed25519 private key (PKCS#8 PEM) that signs access tokens. */
  signingKeyPem: string;
  issuer: string;
  audience: string;
  refreshTokenTtlDays: number;
}

const schema = {
  ...subgraphEnvSchema,
  PORT: envPort(defaultSubgraphPort('users')),
  USERS_DATABASE_URL: databaseUrl,
  JWT_PRIVATE_KEY: optionalString,
  JWT_PRIVATE_KEY_FILE: optionalString,
  JWT_ISSUER: tokenVerificationEnvSchema.JWT_ISSUER,
  JWT_AUDIENCE: tokenVerificationEnvSchema.JWT_AUDIENCE,
  REFRESH_TOKEN_TTL_DAYS: envInt(30, 1, 365),
};

export function loadUsersConfig(env: Env): UsersConfig {
  const parsed = parseEnv('the users subgraph', schema, env);
  return {
    ...subgraphSettings(parsed, parsed.USERS_DATABASE_URL),
    signingKeyPem: signingKeyPem(parsed.JWT_PRIVATE_KEY, parsed.JWT_PRIVATE_KEY_FILE),
    issuer: parsed.JWT_ISSUER,
    audience: parsed.JWT_AUDIENCE,
    refreshTokenTtlDays: parsed.REFRESH_TOKEN_TTL_DAYS,
  };
}

function signingKeyPem(inline: string | undefined, file: string | undefined): string {
  if (inline) return pemFromEnv(inline);
  if (file) {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      throw new Error(`Invalid configuration for the users subgraph:\n  JWT_PRIVATE_KEY_FILE: cannot read ${file}`);
    }
  }
  throw new Error(
    'Invalid configuration for the users subgraph:\n  JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE: required (an Ed25519 key in PKCS#8 PEM; `npm run keygen` writes one)',
  );
}
