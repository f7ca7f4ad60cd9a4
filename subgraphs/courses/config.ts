import { tokenVerificationEnvSchema, verificationSettings } from '../../platform/auth/verification-settings.js';
import type { VerificationSettings } from '../../platform/auth/verification-settings.js';
import type { Env } from '../../platform/config/env.js';
import { parseSubgraphEnv } from '../../platform/subgraph/subgraph-settings.js';
import type { SubgraphIdentity, SubgraphSettings } from '../../platform/subgraph/subgraph-settings.js';

export interface CoursesConfig extends SubgraphSettings {
  verification: VerificationSettings;
}

export function loadCoursesConfig(env: Env, identity: SubgraphIdentity): CoursesConfig {
  const { settings, extra } = parseSubgraphEnv(identity, env, tokenVerificationEnvSchema);
  return { ...settings, verification: verificationSettings(extra) };
}
