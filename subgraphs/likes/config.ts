import { tokenVerificationEnvSchema, verificationSettings } from '../../platform/auth/verification-settings.js';
import type { VerificationSettings } from '../../platform/auth/verification-settings.js';
import { envOptionalUrl } from '../../platform/config/env.js';
import type { Env } from '../../platform/config/env.js';
import { parseSubgraphEnv } from '../../platform/subgraph/subgraph-settings.js';
import type { SubgraphIdentity, SubgraphSettings } from '../../platform/subgraph/subgraph-settings.js';

export interface LikesConfig extends SubgraphSettings {
  verification: VerificationSettings;
  /** The posts subgraph, asked whether a post exists when no event has told likes yet. */
  postsUrl: string;
}

/** Where posts listens by default (its routing_url in supergraph.yaml). */
const DEFAULT_POSTS_URL = 'http://localhost:4002/graphql';

export function loadLikesConfig(env: Env, identity: SubgraphIdentity): LikesConfig {
  const { settings, extra } = parseSubgraphEnv(identity, env, { ...tokenVerificationEnvSchema, POSTS_SUBGRAPH_URL: envOptionalUrl(['http:', 'https:']) });
  return { ...settings, verification: verificationSettings(extra), postsUrl: extra.POSTS_SUBGRAPH_URL ?? DEFAULT_POSTS_URL };
}
