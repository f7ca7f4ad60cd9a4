import { z } from 'zod';
import type { LogLevel } from '../observability/logger.js';

/** An environment to read configuration from: `process.env` in `main.ts`, a literal in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

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

/** Variables every process reads: how it runs, where it listens, how it logs and traces, how it stops. */
export const processEnvSchema = {
  NODE_ENV: nodeEnv,
  HOST: optionalString,
  LOG_LEVEL: logLevel,
  /** An OTLP/HTTP collector for traces; unset, nothing is traced. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(blankAsUndefined, envUrl(['http:', 'https:']).optional()),
  /** How long `/ready` fails before a stopping server drains: long enough for a load balancer to notice. */
  SHUTDOWN_DELAY_MS: envInt(0, 0, 120_000),
};

export interface ProcessSettings {
  production: boolean;
  host: string | undefined;
  logLevel: LogLevel;
  otlpEndpoint: string | undefined;
  shutdownDelayMs: number;
}

export function processSettings(env: {
  NODE_ENV: string;
  HOST?: string | undefined;
  LOG_LEVEL?: LogLevel | undefined;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  SHUTDOWN_DELAY_MS: number;
}): ProcessSettings {
  const fallbackLevel: LogLevel = env.NODE_ENV === 'test' ? 'warn' : 'info';
  return {
    production: env.NODE_ENV === 'production',
    host: env.HOST,
    logLevel: env.LOG_LEVEL ?? fallbackLevel,
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    shutdownDelayMs: env.SHUTDOWN_DELAY_MS,
  };
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

/** A URL of one of `protocols`, or undefined when unset. */
export const envOptionalUrl = (protocols: string[]) => z.preprocess(blankAsUndefined, envUrl(protocols).optional());

/** `REDIS_URL`: pub/sub, domain events and counters go through Redis when set, stay in the process when not. */
export const envRedisUrl = envOptionalUrl(['redis:', 'rediss:']);

/** `REDIS_PREFIX`: namespaces channels, streams and keys, so several deployments (or test runs) can share a Redis. */
export const envRedisPrefix = z.preprocess(blankAsUndefined, z.string().regex(/^[\w.-]{1,64}$/, 'must be 1–64 letters, digits, _ . or -').default('supergraph'));

/**
 * `INTERNAL_SECRET`'s development default, named as such. Production has no default: a
 * process started with NODE_ENV=production and no secret refuses to start.
 */
export const DEV_INTERNAL_SECRET = 'dev-internal-secret-change-me';

/** `INTERNAL_SECRET`: what the gateway and the subgraphs share (platform/http/internal-caller.ts). */
export const envInternalSecret = z.preprocess(blankAsUndefined, z.string().min(16, 'must be at least 16 characters').optional());

/** The internal secret to use: the one set, the development default, or a configuration error in production. */
export function internalSecret(processName: string, value: string | undefined, production: boolean): string {
  if (value !== undefined) return value;
  if (!production) return DEV_INTERNAL_SECRET;
  throw new Error(`Invalid configuration for ${processName}:\n  INTERNAL_SECRET: required in production (the same value for the gateway and every subgraph, e.g. \`openssl rand -hex 32\`)`);
}

/**
 * What to log at startup when a production process runs on the development internal secret.
 * It is accepted (docker-compose ships it, so compose runs as it is) but announced: anyone
 * who reads this repository knows it, and with it can speak for the gateway to a subgraph.
 */
export function internalSecretWarning(secret: string, production: boolean): string | undefined {
  if (!production || secret !== DEV_INTERNAL_SECRET) return undefined;
  return 'INTERNAL_SECRET is the development default in production: anyone who can reach a subgraph can act as the gateway; set a secret of your own (e.g. `openssl rand -hex 32`)';
}
