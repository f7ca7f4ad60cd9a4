import { z } from 'zod';
import type { LogLevel } from './logger.js';

/** An environment to read configuration from: `process.env` in `main.ts`, a literal in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The six domains in port order (DESIGN.md, "Running modes"). */
export const DOMAINS = ['users', 'posts', 'likes', 'polls', 'links', 'courses'] as const;
export type Domain = (typeof DOMAINS)[number];

export const DEFAULT_GATEWAY_PORT = 4000;
export const defaultSubgraphPort = (domain: Domain): number => 4001 + DOMAINS.indexOf(domain);

/** `<NAME>_DATABASE_URL`, e.g. `USERS_DATABASE_URL`. */
export const databaseUrlVariable = (domain: Domain): string => `${domain.toUpperCase()}_DATABASE_URL`;

/** An empty variable (`FOO=`) counts as unset. */
export const blankAsUndefined = (value: unknown): unknown => (value === '' ? undefined : value);

export const optionalString = z.preprocess(blankAsUndefined, z.string().optional());

/** true/false (or 1/0, yes/no); undefined when unset, for defaults that depend on other settings. */
export const envOptionalBoolean = z.preprocess(
  blankAsUndefined,
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .optional()
    .transform((value) => (value === undefined ? undefined : ['true', '1', 'yes'].includes(value))),
);

export const envBoolean = (fallback: boolean) => envOptionalBoolean.transform((value) => value ?? fallback);

export const envPort = (fallback: number) =>
  z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).max(65535).default(fallback));

export const envInt = (fallback: number, min: number, max: number) =>
  z.preprocess(blankAsUndefined, z.coerce.number().int().min(min).max(max).default(fallback));

export const envUrl = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a ${protocols.join(' or ')} URL`);

const nodeEnv = z.preprocess(blankAsUndefined, z.enum(['development', 'production', 'test']).default('development'));
const logLevel = z.preprocess(blankAsUndefined, z.enum(['debug', 'info', 'warn', 'error', 'silent']).optional());

/** Variables every process reads: how it runs, where it listens, how it logs. */
export const processEnvSchema = {
  NODE_ENV: nodeEnv,
  HOST: optionalString,
  LOG_LEVEL: logLevel,
};

/** Where access tokens are verified from: a JWKS URL or a PEM public key, plus the claims they must carry. */
export const tokenVerificationEnvSchema = {
  JWKS_URL: z.preprocess(blankAsUndefined, envUrl(['http:', 'https:']).optional()),
  JWT_PUBLIC_KEY: optionalString,
  JWT_ISSUER: z.preprocess(blankAsUndefined, z.string().default('supergraph-users')),
  JWT_AUDIENCE: z.preprocess(blankAsUndefined, z.string().default('supergraph')),
};

export interface ProcessSettings {
  production: boolean;
  host: string | undefined;
  logLevel: LogLevel;
}

export function processSettings(env: { NODE_ENV: string; HOST?: string | undefined; LOG_LEVEL?: LogLevel | undefined }): ProcessSettings {
  const fallbackLevel: LogLevel = env.NODE_ENV === 'test' ? 'warn' : 'info';
  return { production: env.NODE_ENV === 'production', host: env.HOST, logLevel: env.LOG_LEVEL ?? fallbackLevel };
}

/**
 * Validates `env` against `shape`. The error lists every bad variable with the reason, and
 * never its value: values may be secrets.
 */
export function parseEnv<Shape extends z.ZodRawShape>(processName: string, shape: Shape, env: Env): z.infer<z.ZodObject<Shape>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`Invalid configuration for ${processName}:\n${problems.join('\n')}`);
}

/** Variables every subgraph reads, besides its port and its `<NAME>_DATABASE_URL`. */
export const subgraphEnvSchema = {
  ...processEnvSchema,
  DATABASE_POOL_SIZE: envInt(10, 1, 200),
  REDIS_URL: z.preprocess(blankAsUndefined, envUrl(['redis:', 'rediss:']).optional()),
  /** Namespaces channels and streams, so several deployments (or test runs) can share a Redis. */
  REDIS_PREFIX: z.preprocess(blankAsUndefined, z.string().regex(/^[\w.-]{1,64}$/, 'must be 1–64 letters, digits, _ . or -').default('supergraph')),
  SEED_DEMO_DATA: envBoolean(false),
};

export const databaseUrl = envUrl(['postgres:', 'postgresql:']);

/** Settings every subgraph has, from a parsed `subgraphEnvSchema` plus its port and database URL. */
export interface SubgraphSettings extends ProcessSettings {
  port: number;
  databaseUrl: string;
  databasePoolSize: number;
  redisUrl: string | undefined;
  redisPrefix: string;
  seedDemoData: boolean;
}

export function subgraphSettings(
  env: z.infer<z.ZodObject<typeof subgraphEnvSchema>> & { PORT: number },
  databaseUrlValue: string,
): SubgraphSettings {
  return {
    ...processSettings(env),
    port: env.PORT,
    databaseUrl: databaseUrlValue,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    seedDemoData: env.SEED_DEMO_DATA,
  };
}

/** How a subgraph other than users verifies access tokens: the users JWKS, or a PEM public key. */
export interface VerificationSettings {
  key: { jwksUrl: string } | { publicKey: string };
  issuer: string;
  audience: string;
}

/** A PEM key given in one environment variable, where newlines may be written as `\\n`. */
export const pemFromEnv = (value: string): string => value.replaceAll('\\n', '\n');

/** `defaultJwksUrl`: where the users subgraph publishes its keys when JWKS_URL is not set. */
export function verificationSettings(
  env: z.infer<z.ZodObject<typeof tokenVerificationEnvSchema>>,
  defaultJwksUrl = `http://localhost:${defaultSubgraphPort('users')}/.well-known/jwks.json`,
): VerificationSettings {
  return {
    key: env.JWT_PUBLIC_KEY ? { publicKey: pemFromEnv(env.JWT_PUBLIC_KEY) } : { jwksUrl: env.JWKS_URL ?? defaultJwksUrl },
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
  };
}
