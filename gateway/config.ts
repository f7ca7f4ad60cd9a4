import { z } from 'zod';
import {
  blankAsUndefined,
  DEFAULT_GATEWAY_PORT,
  defaultSubgraphPort,
  DOMAINS,
  envOptionalBoolean,
  envInt,
  envPort,
  envUrl,
  optionalString,
  parseEnv,
  processEnvSchema,
  processSettings,
  tokenVerificationEnvSchema,
  verificationSettings,
} from '../subgraphs/shared/config.js';
import type { Env, ProcessSettings, VerificationSettings } from '../subgraphs/shared/config.js';
import { projectPath } from '../subgraphs/shared/paths.js';

export interface GatewayConfig extends ProcessSettings {
  port: number;
  /** The composed supergraph (`npm run compose` writes it). */
  supergraphPath: string;
  /** Subgraph name → URL, overriding the routing URL composed into the supergraph. */
  subgraphUrls: Record<string, string>;
  /** Where access tokens are verified from, and the claims they must carry. */
  verification: VerificationSettings;
  introspection: boolean;
  sandbox: boolean;
  subgraphTimeoutMs: number;
  corsOrigins: '*' | string[];
}

/** `USERS_SUBGRAPH_URL`, `POSTS_SUBGRAPH_URL`, … */
export const subgraphUrlVariable = (name: string): string => `${name.toUpperCase()}_SUBGRAPH_URL`;

const subgraphUrl = z.preprocess(blankAsUndefined, envUrl(['http:', 'https:']).optional());

const schema = {
  ...processEnvSchema,
  ...tokenVerificationEnvSchema,
  PORT: envPort(DEFAULT_GATEWAY_PORT),
  SUPERGRAPH_PATH: optionalString,
  INTROSPECTION: envOptionalBoolean,
  SANDBOX: envOptionalBoolean,
  SUBGRAPH_TIMEOUT_MS: envInt(10_000, 100, 300_000),
  CORS_ORIGINS: optionalString,
  ...Object.fromEntries(DOMAINS.map((domain) => [subgraphUrlVariable(domain), subgraphUrl])),
};

export function loadGatewayConfig(env: Env): GatewayConfig {
  const parsed = parseEnv('the gateway', schema, env);
  const settings = processSettings(parsed);
  // Introspection and Sandbox are development tools: off in production unless asked for.
  const introspection = parsed.INTROSPECTION ?? !settings.production;
  const subgraphUrls: Record<string, string> = {};
  for (const domain of DOMAINS) {
    const url = (parsed as Record<string, unknown>)[subgraphUrlVariable(domain)];
    if (typeof url === 'string') subgraphUrls[domain] = url;
  }
  // The users subgraph publishes the JWKS; by default ask it where the gateway finds it.
  const usersOrigin = new URL(subgraphUrls['users'] ?? `http://localhost:${defaultSubgraphPort('users')}`).origin;
  return {
    ...settings,
    port: parsed.PORT,
    supergraphPath: parsed.SUPERGRAPH_PATH ?? projectPath('supergraph.graphql'),
    subgraphUrls,
    verification: verificationSettings(parsed, `${usersOrigin}/.well-known/jwks.json`),
    introspection,
    sandbox: (parsed.SANDBOX ?? !settings.production) && introspection,
    subgraphTimeoutMs: parsed.SUBGRAPH_TIMEOUT_MS,
    corsOrigins: !parsed.CORS_ORIGINS || parsed.CORS_ORIGINS === '*' ? '*' : parsed.CORS_ORIGINS.split(',').map((origin) => origin.trim()),
  };
}
