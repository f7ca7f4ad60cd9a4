import { tokenVerificationEnvSchema, verificationSettings } from '../platform/auth/verification-settings.js';
import type { VerificationSettings } from '../platform/auth/verification-settings.js';
import { z } from 'zod';
import { blankAsUndefined, envInt, envInternalSecret, envOptionalBoolean, envOptionalUrl, envPort, envRedisPrefix, envRedisUrl, internalSecret, optionalString, parseEnv, processEnvSchema, processSettings } from '../platform/config/env.js';
import type { Env, ProcessSettings } from '../platform/config/env.js';
import { projectPath } from '../platform/paths.js';

export const DEFAULT_GATEWAY_PORT = 4000;

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
  /** The locally bundled GraphiQL at `/graphiql`: the explorer that works offline. */
  graphiql: boolean;
  subgraphTimeoutMs: number;
  corsOrigins: '*' | string[];
  shortLinks: ShortLinksSettings;
  /** Shared rate-limit counters when set; each replica counts alone when not. */
  redisUrl: string | undefined;
  redisPrefix: string;
  /** Proxies in front of the gateway whose `X-Forwarded-For` entry is trusted (0: the socket's address is the client's). */
  trustedProxyHops: number;
  /** Sent to subgraphs: links' internal routes require it, and it vouches for the X-Forwarded-For of mutations. */
  internalSecret: string;
  security: SecuritySettings;
  cache: CacheSettings;
}

/** Entity and response caching (gateway/plugins/caching.ts, README "Caching"). */
export interface CacheSettings {
  enabled: boolean;
  /** Shared second level, and where domains announce changed entities; caching needs it. */
  redisUrl: string | undefined;
  redisPrefix: string;
  /** Entity answers kept in process (one per entity, subgraph, selection and, for @perViewer selections, viewer). */
  maxEntities: number;
  /** Anonymous responses kept in process. */
  maxResponses: number;
  /** Characters of JSON each in-process level (entities, responses) holds at most, whatever the counts allow. */
  maxCharactersPerLevel: number;
  /** The TTL of a type marked `@cached` without `maxAge`. */
  defaultTtlSeconds: number;
  /** No answer is kept longer than this, whatever the schemas declare. */
  maxTtlSeconds: number;
  /** supergraph.yaml: where each subgraph's schema (its `@cached` types) is read from at start. */
  supergraphConfigPath: string;
}

/** Every limit the gateway applies to clients (README, "Security"). */
export interface SecuritySettings {
  /** Refused before parsing: graphql-armor's max-tokens / max-directives / max-aliases / character limit, and a nesting bound. */
  maxCharacters: number;
  maxTokens: number;
  maxDirectives: number;
  maxAliases: number;
  maxNesting: number;
  /** Root fields of one mutation request (each may write). */
  maxRootMutationFields: number;
  /** Bytes of subgraph responses one request may gather (HTTP and WebSocket queries alike). */
  maxResponseBytes: number;
  /** Bytes a WebSocket client may leave unread before results are refused. */
  wsMaxBufferedBytes: number;
  /** Sockets and subscriptions one client may hold: per address, and per user when signed in. */
  wsMaxSocketsPerClient: number;
  wsMaxSubscriptionsPerClient: number;
  /** Operations per client (address, and user when signed in) per window; 0 turns rate limiting off. */
  rateLimitMax: number;
  rateLimitWindowSeconds: number;
}

/** The redirect at `/s/:code` (gateway/plugins/short-links.ts). */
export interface ShortLinksSettings {
  /** Shared second-level cache of code answers, and where links announces changes; unset: in-process only. */
  redisUrl: string | undefined;
  redisPrefix: string;
  /** The HMAC key visitors are hashed with (address + User-Agent), so a hash cannot be reversed by guessing addresses. */
  visitorHashKey: string;
  /** As `GatewayConfig.trustedProxyHops`: where the visitor's address comes from. */
  trustedProxyHops: number;
  /** How long the in-process cache keeps a code's answer (changes announced through Redis drop it sooner). */
  cacheTtlMs: number;
  /** How often buffered clicks are sent to links. */
  flushIntervalMs: number;
  /** As `GatewayConfig.internalSecret`: links' internal routes answer only with it. */
  internalSecret: string;
}

/** The development default of VISITOR_HASH_KEY: anyone can read it here, so production sets its own. */
const DEV_VISITOR_HASH_KEY = 'dev-only-visitor-hash-key-set-VISITOR_HASH_KEY-in-production';

/** `USERS_SUBGRAPH_URL`, `POSTS_SUBGRAPH_URL`, …: where a subgraph is, when not at its routing URL. */
export const subgraphUrlVariable = (name: string): string => `${name.toUpperCase()}_SUBGRAPH_URL`;
const SUBGRAPH_URL_VARIABLE = /^([A-Z][A-Z0-9]*)_SUBGRAPH_URL$/;

const schema = {
  ...processEnvSchema,
  ...tokenVerificationEnvSchema,
  PORT: envPort(DEFAULT_GATEWAY_PORT),
  SUPERGRAPH_PATH: optionalString,
  INTROSPECTION: envOptionalBoolean,
  SANDBOX: envOptionalBoolean,
  GRAPHIQL: envOptionalBoolean,
  SUBGRAPH_TIMEOUT_MS: envInt(10_000, 100, 300_000),
  CORS_ORIGINS: optionalString,
  REDIS_URL: envRedisUrl,
  REDIS_PREFIX: envRedisPrefix,
  VISITOR_HASH_KEY: z.preprocess(blankAsUndefined, z.string().min(16, 'must be at least 16 characters').default(DEV_VISITOR_HASH_KEY)),
  SHORT_LINK_CACHE_TTL_MS: envInt(10_000, 0, 3_600_000),
  CLICK_FLUSH_INTERVAL_MS: envInt(500, 10, 60_000),
  TRUSTED_PROXY_HOPS: envInt(0, 0, 10),
  INTERNAL_SECRET: envInternalSecret,
  // graphql-armor's defaults. Sandbox's largest introspection query is 2,068 characters and
  // 183 tokens; at 15,000 tokens (Apollo Router's parser default) a document of repeated
  // fields cost graphql-js validation 1.6-2.1 s of CPU here, at 1,000 about 0.1 s.
  MAX_QUERY_CHARACTERS: envInt(15_000, 1_000, 1_048_576),
  MAX_TOKENS: envInt(1_000, 100, 1_000_000),
  MAX_DIRECTIVES: envInt(50, 1, 10_000),
  MAX_ALIASES: envInt(15, 1, 10_000),
  MAX_NESTING: envInt(100, 10, 10_000),
  MAX_ROOT_MUTATION_FIELDS: envInt(10, 1, 1_000),
  MAX_RESPONSE_BYTES: envInt(5 * 1024 * 1024, 1_024, 1_073_741_824),
  WS_MAX_BUFFERED_BYTES: envInt(4 * 1024 * 1024, 1_024, 1_073_741_824),
  WS_MAX_SOCKETS_PER_CLIENT: envInt(50, 1, 100_000),
  WS_MAX_SUBSCRIPTIONS_PER_CLIENT: envInt(500, 1, 100_000),
  RATE_LIMIT_MAX: envInt(3_000, 0, 10_000_000),
  RATE_LIMIT_WINDOW_SECONDS: envInt(60, 1, 86_400),
  CACHE: envOptionalBoolean,
  CACHE_MAX_ENTITIES: envInt(50_000, 1, 10_000_000),
  CACHE_MAX_RESPONSES: envInt(5_000, 1, 1_000_000),
  CACHE_MAX_MEGABYTES: envInt(64, 1, 65_536),
  CACHE_DEFAULT_TTL_SECONDS: envInt(60, 1, 86_400),
  CACHE_MAX_TTL_SECONDS: envInt(86_400, 1, 86_400),
  SUPERGRAPH_CONFIG_PATH: optionalString,
};

export function loadGatewayConfig(env: Env): GatewayConfig {
  // Any subgraph the supergraph names may be moved: every <NAME>_SUBGRAPH_URL is read.
  const urlVariables = Object.keys(env).filter((name) => SUBGRAPH_URL_VARIABLE.test(name));
  const urlSchema = Object.fromEntries(urlVariables.map((name) => [name, envOptionalUrl(['http:', 'https:'])]));
  const parsed = parseEnv('the gateway', { ...schema, ...urlSchema }, env);
  const settings = processSettings(parsed);
  const secret = internalSecret('the gateway', parsed.INTERNAL_SECRET, settings.production);
  // Introspection and Sandbox are development tools: off in production unless asked for.
  const introspection = parsed.INTROSPECTION ?? !settings.production;
  const subgraphUrls: Record<string, string> = {};
  for (const variable of urlVariables) {
    const url = (parsed as Record<string, unknown>)[variable];
    if (typeof url === 'string') subgraphUrls[SUBGRAPH_URL_VARIABLE.exec(variable)![1]!.toLowerCase()] = url;
  }
  // The users subgraph publishes the JWKS: where it moved, the keys moved with it.
  const usersUrl = subgraphUrls['users'];
  // Writes are heard over Redis: without it, nothing could tell a cache its data changed.
  if (parsed.CACHE && !parsed.REDIS_URL) throw new Error('the gateway: CACHE=true needs REDIS_URL (domains announce changed entities over Redis)');
  return {
    ...settings,
    port: parsed.PORT,
    supergraphPath: parsed.SUPERGRAPH_PATH ?? projectPath('supergraph.graphql'),
    subgraphUrls,
    verification: verificationSettings(parsed, usersUrl ? `${new URL(usersUrl).origin}/.well-known/jwks.json` : undefined),
    introspection,
    sandbox: (parsed.SANDBOX ?? !settings.production) && introspection,
    // GraphiQL is Sandbox without the CDN: the same development tool, so the same rule.
    graphiql: (parsed.GRAPHIQL ?? !settings.production) && introspection,
    subgraphTimeoutMs: parsed.SUBGRAPH_TIMEOUT_MS,
    shortLinks: {
      redisUrl: parsed.REDIS_URL,
      redisPrefix: parsed.REDIS_PREFIX,
      visitorHashKey: parsed.VISITOR_HASH_KEY,
      trustedProxyHops: parsed.TRUSTED_PROXY_HOPS,
      cacheTtlMs: parsed.SHORT_LINK_CACHE_TTL_MS,
      flushIntervalMs: parsed.CLICK_FLUSH_INTERVAL_MS,
      internalSecret: secret,
    },
    corsOrigins: !parsed.CORS_ORIGINS || parsed.CORS_ORIGINS === '*' ? '*' : parsed.CORS_ORIGINS.split(',').map((origin) => origin.trim()),
    redisUrl: parsed.REDIS_URL,
    redisPrefix: parsed.REDIS_PREFIX,
    trustedProxyHops: parsed.TRUSTED_PROXY_HOPS,
    internalSecret: secret,
    security: {
      maxCharacters: parsed.MAX_QUERY_CHARACTERS,
      maxTokens: parsed.MAX_TOKENS,
      maxDirectives: parsed.MAX_DIRECTIVES,
      maxAliases: parsed.MAX_ALIASES,
      maxNesting: parsed.MAX_NESTING,
      maxRootMutationFields: parsed.MAX_ROOT_MUTATION_FIELDS,
      maxResponseBytes: parsed.MAX_RESPONSE_BYTES,
      wsMaxBufferedBytes: parsed.WS_MAX_BUFFERED_BYTES,
      wsMaxSocketsPerClient: parsed.WS_MAX_SOCKETS_PER_CLIENT,
      wsMaxSubscriptionsPerClient: parsed.WS_MAX_SUBSCRIPTIONS_PER_CLIENT,
      rateLimitMax: parsed.RATE_LIMIT_MAX,
      rateLimitWindowSeconds: parsed.RATE_LIMIT_WINDOW_SECONDS,
    },
    cache: {
      enabled: parsed.CACHE ?? false,
      redisUrl: parsed.REDIS_URL,
      redisPrefix: parsed.REDIS_PREFIX,
      maxEntities: parsed.CACHE_MAX_ENTITIES,
      maxResponses: parsed.CACHE_MAX_RESPONSES,
      // Half each; JSON text is counted one byte per character (mostly ASCII).
      maxCharactersPerLevel: (parsed.CACHE_MAX_MEGABYTES * 1024 * 1024) / 2,
      defaultTtlSeconds: parsed.CACHE_DEFAULT_TTL_SECONDS,
      maxTtlSeconds: parsed.CACHE_MAX_TTL_SECONDS,
      supergraphConfigPath: parsed.SUPERGRAPH_CONFIG_PATH ?? projectPath('supergraph.yaml'),
    },
  };
}
