import { tokenVerificationEnvSchema, verificationSettings } from '../../platform/auth/verification-settings.js';
import type { VerificationSettings } from '../../platform/auth/verification-settings.js';
import type { Env } from '../../platform/config/env.js';
import { postsUrl, postsUrlEnvSchema } from '../../contracts/posts-client.js';
import { parseSubgraphEnv } from '../../platform/subgraph/subgraph-settings.js';
import type { SubgraphIdentity, SubgraphSettings } from '../../platform/subgraph/subgraph-settings.js';

export interface PollsConfig extends SubgraphSettings {
  verification: VerificationSettings;
  /** The posts subgraph, asked whether a post exists when no event has told polls yet. */
  postsUrl: string;
}

export function loadPollsConfig(env: Env, identity: SubgraphIdentity): PollsConfig {
  const { settings, extra } = parseSubgraphEnv(identity, env, { ...tokenVerificationEnvSchema, ...postsUrlEnvSchema });
  return { ...settings, verification: verificationSettings(extra), postsUrl: postsUrl(extra) };
}
