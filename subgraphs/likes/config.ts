import { z } from 'zod';
import {
  blankAsUndefined,
  databaseUrl,
  defaultSubgraphPort,
  envPort,
  envUrl,
  parseEnv,
  subgraphEnvSchema,
  subgraphSettings,
  tokenVerificationEnvSchema,
  verificationSettings,
} from '../shared/config.js';
import type { Env, SubgraphSettings, VerificationSettings } from '../shared/config.js';

export interface LikesConfig extends SubgraphSettings {
  verification: VerificationSettings;
  /** The posts subgraph, asked whether a post exists when no event has told likes yet. */
  postsUrl: string;
}

const schema = {
  ...subgraphEnvSchema,
  ...tokenVerificationEnvSchema,
  PORT: envPort(defaultSubgraphPort('likes')),
  LIKES_DATABASE_URL: databaseUrl,
  POSTS_SUBGRAPH_URL: z.preprocess(blankAsUndefined, envUrl(['http:', 'https:']).default(`http://localhost:${defaultSubgraphPort('posts')}/graphql`)),
};

export function loadLikesConfig(env: Env): LikesConfig {
  const parsed = parseEnv('the likes subgraph', schema, env);
  return { ...subgraphSettings(parsed, parsed.LIKES_DATABASE_URL), verification: verificationSettings(parsed), postsUrl: parsed.POSTS_SUBGRAPH_URL };
}
