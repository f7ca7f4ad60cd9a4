import type { z } from 'zod';
import { envBoolean, envInt, envInternalSecret, envOptionalUrl, envPort, envRedisPrefix, envRedisUrl, envUrl, internalSecret, parseEnv, processEnvSchema, processSettings } from '../config/env.js';
import type { Env, ProcessSettings } from '../config/env.js';

/** Which subgraph, and the port it listens on unless PORT says otherwise. */
export interface SubgraphIdentity {
  name: string;
  port: number;
}

/** `<NAME>_DATABASE_URL`, e.g. `USERS_DATABASE_URL`. */
export const databaseUrlVariable = (name: string): string => `${name.toUpperCase()}_DATABASE_URL`;

/** Variables every subgraph reads, besides its port and its `<NAME>_DATABASE_URL`. */
const subgraphEnvSchema = {
  ...processEnvSchema,
  DATABASE_POOL_SIZE: envInt(10, 1, 200),
  REDIS_URL: envRedisUrl,
  REDIS_PREFIX: envRedisPrefix,
  SEED_DEMO_DATA: envBoolean(false),
  /** Where every domain asks whether a token's user still exists (users' routing URL by default). */
  USERS_SUBGRAPH_URL: envOptionalUrl(['http:', 'https:']),
  INTERNAL_SECRET: envInternalSecret,
  DIRECT_EXECUTION: envBoolean(true),
};

/** Settings every subgraph has. */
export interface SubgraphSettings extends ProcessSettings {
  name: string;
  port: number;
  databaseUrl: string;
  databasePoolSize: number;
  redisUrl: string | undefined;
  redisPrefix: string;
  seedDemoData: boolean;
  /** The users subgraph's GraphQL endpoint. */
  usersUrl: string;
  /** Shared with the gateway: proves a request came from it (platform/http/internal-caller.ts). */
  internalSecret: string;
  /** Whether the gateway's plain requests skip Apollo Server's pipeline; false sends every request through it. */
  directExecution: boolean;
}

/**
 * Reads a subgraph's environment: what every subgraph reads, plus `extra` (the variables
 * only this one reads). Fails naming every bad variable, never printing a value.
 */
export function parseSubgraphEnv<Extra extends z.ZodRawShape>(
  { name, port }: SubgraphIdentity,
  env: Env,
  extra: Extra,
): { settings: SubgraphSettings; extra: z.infer<z.ZodObject<Extra>> } {
  const databaseVariable = databaseUrlVariable(name);
  const shape = { ...subgraphEnvSchema, PORT: envPort(port), [databaseVariable]: envUrl(['postgres:', 'postgresql:']), ...extra };
  const processName = `the ${name} subgraph`;
  const parsed = parseEnv(processName, shape, env) as unknown as z.infer<z.ZodObject<typeof subgraphEnvSchema>> & { PORT: number } & Record<string, unknown>;
  const common = processSettings(parsed);
  return {
    settings: {
      ...common,
      name,
      port: parsed.PORT,
      databaseUrl: parsed[databaseVariable] as string,
      databasePoolSize: parsed.DATABASE_POOL_SIZE,
      redisUrl: parsed.REDIS_URL,
      redisPrefix: parsed.REDIS_PREFIX,
      seedDemoData: parsed.SEED_DEMO_DATA,
      usersUrl: parsed.USERS_SUBGRAPH_URL ?? 'http://localhost:4001/graphql',
      internalSecret: internalSecret(processName, parsed.INTERNAL_SECRET, common.production),
      directExecution: parsed.DIRECT_EXECUTION,
    },
    extra: parsed as unknown as z.infer<z.ZodObject<Extra>>,
  };
}
