import { z } from 'zod';
import { tokenVerificationEnvSchema, verificationSettings } from '../../platform/auth/verification-settings.js';
import type { VerificationSettings } from '../../platform/auth/verification-settings.js';
import { blankAsUndefined, envUrl } from '../../platform/config/env.js';
import type { Env } from '../../platform/config/env.js';
import { parseSubgraphEnv } from '../../platform/subgraph/subgraph-settings.js';
import type { SubgraphIdentity, SubgraphSettings } from '../../platform/subgraph/subgraph-settings.js';

export interface LinksConfig extends SubgraphSettings {
  verification: VerificationSettings;
  /** The gateway's public origin (and path prefix, if any): `shortUrl` is this + `/s/{code}`. */
  shortLinkBaseUrl: string;
}

const linksEnvSchema = {
  SHORT_LINK_BASE_URL: z.preprocess(blankAsUndefined, envUrl(['http:', 'https:']).default('http://localhost:4000')),
};

export function loadLinksConfig(env: Env, identity: SubgraphIdentity): LinksConfig {
  const { settings, extra } = parseSubgraphEnv(identity, env, { ...tokenVerificationEnvSchema, ...linksEnvSchema });
  return { ...settings, verification: verificationSettings(extra), shortLinkBaseUrl: extra.SHORT_LINK_BASE_URL.replace(/\/+$/, '') };
}
