import { envPort, envRedisUrl, optionalString, parseEnv, processEnvSchema, processSettings } from '../platform/config/env.js';
import type { Env, ProcessSettings } from '../platform/config/env.js';
import { projectPath } from '../platform/paths.js';
import { DEFAULT_GATEWAY_PORT } from '../gateway/config.js';

export interface EmbeddedConfig extends ProcessSettings {
  /** The gateway's port; subgraphs take 4001–4006 (or any free port when this is 0). */
  port: number;
  /** Holds one PGlite database per domain and the token signing key. */
  dataDir: string;
  /** Unset: pub/sub and events stay in this process. */
  redisUrl: string | undefined;
}

const schema = {
  ...processEnvSchema,
  PORT: envPort(DEFAULT_GATEWAY_PORT),
  DATA_DIR: optionalString,
  REDIS_URL: envRedisUrl,
};

export function loadEmbeddedConfig(env: Env): EmbeddedConfig {
  const parsed = parseEnv('npm start', schema, env);
  return { ...processSettings(parsed), port: parsed.PORT, dataDir: parsed.DATA_DIR ?? projectPath('.data'), redisUrl: parsed.REDIS_URL };
}
