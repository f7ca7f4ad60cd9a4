import { databaseUrl, defaultSubgraphPort, envPort, parseEnv, subgraphEnvSchema, subgraphSettings, tokenVerificationEnvSchema, verificationSettings } from '../shared/config.js';
import type { Env, SubgraphSettings, VerificationSettings } from '../shared/config.js';

export interface PostsConfig extends SubgraphSettings {
  verification: VerificationSettings;
}

const schema = {
  ...subgraphEnvSchema,
  ...tokenVerificationEnvSchema,
  PORT: envPort(defaultSubgraphPort('posts')),
  POSTS_DATABASE_URL: databaseUrl,
};

export function loadPostsConfig(env: Env): PostsConfig {
  const parsed = parseEnv('the posts subgraph', schema, env);
  return { ...subgraphSettings(parsed, parsed.POSTS_DATABASE_URL), verification: verificationSettings(parsed) };
}
