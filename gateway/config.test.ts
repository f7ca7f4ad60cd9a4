import { loadGatewayConfig } from './config.js';

test('development defaults: Sandbox and introspection on, JWKS from the users subgraph', () => {
  const config = loadGatewayConfig({});
  expect(config).toMatchObject({ port: 4000, production: false, introspection: true, sandbox: true, verification: { key: { jwksUrl: 'http://localhost:4001/.well-known/jwks.json' } } });
});

/** What production requires besides NODE_ENV. */
const PRODUCTION = { NODE_ENV: 'production', INTERNAL_SECRET: 'i'.repeat(32) };

test('production turns Sandbox, GraphiQL and introspection off unless asked for', () => {
  expect(loadGatewayConfig({})).toMatchObject({ graphiql: true });
  expect(loadGatewayConfig(PRODUCTION)).toMatchObject({ introspection: false, sandbox: false, graphiql: false });
  expect(loadGatewayConfig({ ...PRODUCTION, INTROSPECTION: 'true', GRAPHIQL: 'true' })).toMatchObject({ graphiql: true, sandbox: false });
  expect(loadGatewayConfig({ GRAPHIQL: 'true', INTROSPECTION: 'false' })).toMatchObject({ graphiql: false });
  expect(loadGatewayConfig({ ...PRODUCTION, INTROSPECTION: 'true', SANDBOX: 'true' })).toMatchObject({ introspection: true, sandbox: true });
  expect(loadGatewayConfig({ SANDBOX: 'true', INTROSPECTION: 'false' })).toMatchObject({ sandbox: false });
});

test('subgraph URLs override routing, and the JWKS follows the users subgraph', () => {
  const config = loadGatewayConfig({ USERS_SUBGRAPH_URL: 'http://users:4001/graphql' });
  expect(config.subgraphUrls).toEqual({ users: 'http://users:4001/graphql' });
  expect(config.verification.key).toEqual({ jwksUrl: 'http://users:4001/.well-known/jwks.json' });
});

test('the internal secret: a development default named as such, required in production, and never short', () => {
  expect(loadGatewayConfig({})).toMatchObject({ internalSecret: 'dev-internal-secret-change-me', shortLinks: { internalSecret: 'dev-internal-secret-change-me' } });
  expect(() => loadGatewayConfig({ NODE_ENV: 'production' })).toThrow(/INTERNAL_SECRET: required in production/);
  expect(loadGatewayConfig(PRODUCTION)).toMatchObject({ internalSecret: 'i'.repeat(32), shortLinks: { internalSecret: 'i'.repeat(32) } });
  const short = () => loadGatewayConfig({ INTERNAL_SECRET: 'hunter2' });
  expect(short).toThrow(/INTERNAL_SECRET: must be at least 16 characters/);
  expect(short).not.toThrow(/hunter2/);
});

test('a bad configuration names every bad variable and never prints a value', () => {
  const run = () => loadGatewayConfig({ PORT: 'eighty', USERS_SUBGRAPH_URL: 'ftp://user:hunter2@users', INTROSPECTION: 'maybe' });
  expect(run).toThrow(/PORT[\s\S]*INTROSPECTION|INTROSPECTION[\s\S]*PORT/);
  expect(run).toThrow(/USERS_SUBGRAPH_URL: must be a http: or https: URL/);
  expect(run).not.toThrow(/hunter2/);
});

test('short links: development defaults, and a visitor hash key too short to be a secret is refused', () => {
  expect(loadGatewayConfig({}).shortLinks).toMatchObject({ redisUrl: undefined, redisPrefix: 'supergraph', trustedProxyHops: 0, cacheTtlMs: 10_000, flushIntervalMs: 500 });
  expect(loadGatewayConfig({}).shortLinks.visitorHashKey).toMatch(/^dev-only-/);
  expect(loadGatewayConfig({ REDIS_URL: 'redis://cache:6379', TRUSTED_PROXY_HOPS: '1', VISITOR_HASH_KEY: 's'.repeat(32) }).shortLinks).toMatchObject({ redisUrl: 'redis://cache:6379', trustedProxyHops: 1, visitorHashKey: 's'.repeat(32) });
  const run = () => loadGatewayConfig({ VISITOR_HASH_KEY: 'hunter2', CLICK_FLUSH_INTERVAL_MS: '0' });
  expect(run).toThrow(/VISITOR_HASH_KEY: must be at least 16 characters/);
  expect(run).toThrow(/CLICK_FLUSH_INTERVAL_MS/);
  expect(run).not.toThrow(/hunter2/);
});

test('caching: off by default, its sizes and TTLs from the environment, and refused without Redis to hear writes on', () => {
  expect(loadGatewayConfig({}).cache).toMatchObject({ enabled: false, maxEntities: 50_000, maxResponses: 5_000, maxCharactersPerLevel: 32 * 1024 * 1024, defaultTtlSeconds: 60, maxTtlSeconds: 86_400 });
  expect(loadGatewayConfig({ CACHE: 'true', REDIS_URL: 'redis://cache:6379', CACHE_MAX_ENTITIES: '10', CACHE_MAX_MEGABYTES: '2', CACHE_DEFAULT_TTL_SECONDS: '5' }).cache).toMatchObject({ enabled: true, redisUrl: 'redis://cache:6379', maxEntities: 10, maxCharactersPerLevel: 1024 * 1024, defaultTtlSeconds: 5 });
  expect(() => loadGatewayConfig({ CACHE: 'true' })).toThrow(/CACHE=true needs REDIS_URL/);
});
