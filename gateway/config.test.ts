import { loadGatewayConfig } from './config.js';

test('development defaults: Sandbox and introspection on, JWKS from the users subgraph', () => {
  const config = loadGatewayConfig({});
  expect(config).toMatchObject({ port: 4000, production: false, introspection: true, sandbox: true, verification: { key: { jwksUrl: 'http://localhost:4001/.well-known/jwks.json' } } });
});

test('production turns Sandbox, GraphiQL and introspection off unless asked for', () => {
  expect(loadGatewayConfig({})).toMatchObject({ graphiql: true });
  expect(loadGatewayConfig({ NODE_ENV: 'production' })).toMatchObject({ introspection: false, sandbox: false, graphiql: false });
  expect(loadGatewayConfig({ NODE_ENV: 'production', INTROSPECTION: 'true', GRAPHIQL: 'true' })).toMatchObject({ graphiql: true, sandbox: false });
  expect(loadGatewayConfig({ GRAPHIQL: 'true', INTROSPECTION: 'false' })).toMatchObject({ graphiql: false });
  expect(loadGatewayConfig({ NODE_ENV: 'production', INTROSPECTION: 'true', SANDBOX: 'true' })).toMatchObject({ introspection: true, sandbox: true });
  expect(loadGatewayConfig({ SANDBOX: 'true', INTROSPECTION: 'false' })).toMatchObject({ sandbox: false });
});

test('subgraph URLs override routing, and the JWKS follows the users subgraph', () => {
  const config = loadGatewayConfig({ USERS_SUBGRAPH_URL: 'http://users:4001/graphql' });
  expect(config.subgraphUrls).toEqual({ users: 'http://users:4001/graphql' });
  expect(config.verification.key).toEqual({ jwksUrl: 'http://users:4001/.well-known/jwks.json' });
});

test('a bad configuration names every bad variable and never prints a value', () => {
  const run = () => loadGatewayConfig({ PORT: 'eighty', USERS_SUBGRAPH_URL: 'ftp://user:hunter2@users', INTROSPECTION: 'maybe' });
  expect(run).toThrow(/PORT[\s\S]*INTROSPECTION|INTROSPECTION[\s\S]*PORT/);
  expect(run).toThrow(/USERS_SUBGRAPH_URL: must be a http: or https: URL/);
  expect(run).not.toThrow(/hunter2/);
});
