import { readFileSync } from 'node:fs';
import { pemFromEnv, tokenVerificationEnvSchema } from '../../platform/auth/verification-settings.js';
import { blankAsUndefined, envInt, envRedisPrefix, envRedisUrl, envUrl, optionalString, parseEnv } from '../../platform/config/env.js';
import { z } from 'zod';
import type { Env } from '../../platform/config/env.js';
import { parseSubgraphEnv } from '../../platform/subgraph/subgraph-settings.js';
import type { SubgraphIdentity, SubgraphSettings } from '../../platform/subgraph/subgraph-settings.js';

export interface UsersConfig extends SubgraphSettings {
  /** Ed25519 private key (PKCS#8 PEM) that signs access tokens. */
  signingKeyPem: string;
  issuer: string;
  audience: string;
  refreshTokenTtlDays: number;
  /** Password guesses allowed per account (login and changePassword) in each window. */
  passwordGuesses: { limit: number; windowSeconds: number };
  /** Accounts created per client address, and in all, in each window. */
  registrations: { perAddress: number; global: number; windowSeconds: number };
}

const extraSchema = {
  JWT_PRIVATE_KEY: optionalString,
  JWT_PRIVATE_KEY_FILE: optionalString,
  JWT_ISSUER: tokenVerificationEnvSchema.JWT_ISSUER,
  JWT_AUDIENCE: tokenVerificationEnvSchema.JWT_AUDIENCE,
  REFRESH_TOKEN_TTL_DAYS: envInt(30, 1, 365),
  PASSWORD_GUESS_LIMIT: envInt(10, 1, 1_000),
  PASSWORD_GUESS_WINDOW_SECONDS: envInt(15 * 60, 1, 86_400),
  REGISTRATIONS_PER_ADDRESS: envInt(10, 1, 1_000_000),
  REGISTRATIONS_GLOBAL: envInt(1_000, 1, 1_000_000),
  REGISTRATION_WINDOW_SECONDS: envInt(3_600, 1, 86_400),
};

export function loadUsersConfig(env: Env, identity: SubgraphIdentity): UsersConfig {
  const { settings, extra } = parseSubgraphEnv(identity, env, extraSchema);
  return {
    ...settings,
    signingKeyPem: signingKeyPem(extra.JWT_PRIVATE_KEY, extra.JWT_PRIVATE_KEY_FILE),
    issuer: extra.JWT_ISSUER,
    audience: extra.JWT_AUDIENCE,
    refreshTokenTtlDays: extra.REFRESH_TOKEN_TTL_DAYS,
    passwordGuesses: { limit: extra.PASSWORD_GUESS_LIMIT, windowSeconds: extra.PASSWORD_GUESS_WINDOW_SECONDS },
    registrations: { perAddress: extra.REGISTRATIONS_PER_ADDRESS, global: extra.REGISTRATIONS_GLOBAL, windowSeconds: extra.REGISTRATION_WINDOW_SECONDS },
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

/** `npm run make-admin`'s one setting: the users database it writes the role to. */
/** make-admin's settings: the users database, and the Redis the gateways' caches listen on, when there is one. */
export function loadMakeAdminConfig(env: Env): { databaseUrl: string; redisUrl: string | undefined; redisPrefix: string } {
  const parsed = parseEnv(
    'make-admin',
    { USERS_DATABASE_URL: z.preprocess(blankAsUndefined, envUrl(['postgresql:', 'postgres:'])), REDIS_URL: envRedisUrl, REDIS_PREFIX: envRedisPrefix },
    env,
  );
  return { databaseUrl: parsed.USERS_DATABASE_URL, redisUrl: parsed.REDIS_URL, redisPrefix: parsed.REDIS_PREFIX };
}
