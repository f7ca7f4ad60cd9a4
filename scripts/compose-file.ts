import { DEFAULT_GATEWAY_PORT, subgraphUrlVariable } from '../gateway/config.js';
import { DEV_INTERNAL_SECRET } from '../platform/config/env.js';
import type { SubgraphManifest } from '../platform/subgraph/manifest.js';
import { databaseUrlVariable } from '../platform/subgraph/subgraph-settings.js';

/** Development defaults, named as such: docker-compose.yml is for a laptop, not for production. */
const POSTGRES_PASSWORD = 'dev-postgres-password';
/** What the gateway proves itself to subgraphs with (README, "Security"). */
const INTERNAL_SECRET = DEV_INTERNAL_SECRET;
const KEY_FILE = '/keys/jwt-signing-key.pem';

/** Where a subgraph answers inside a deployment: its service name as host, its manifest's port. */
export const subgraphUrl = (manifest: SubgraphManifest): string => `http://${manifest.name}:${manifest.port}/graphql`;

const HEADER = `# Distributed mode: every subgraph and the gateway in its own container, one PostgreSQL
# database per domain, a shared Redis. \`docker compose up --build\`, then
# http://localhost:4000/graphql. Passwords and INTERNAL_SECRET here are development
# defaults: change them (and SANDBOX/INTROSPECTION) before exposing this anywhere.
#
# Generated from supergraph.yaml and each subgraph's manifest by \`npm run docker-compose\`;
# edit scripts/compose-file.ts, not this file (a test fails when they differ).
name: supergraph

x-app: &app
  build: .
  image: supergraph:local
  restart: unless-stopped

x-env: &env
  NODE_ENV: production
  REDIS_URL: redis://redis:6379
  INTERNAL_SECRET: ${INTERNAL_SECRET}

services:
  postgres:
    image: postgres:16-alpine
    environment:
      POSTGRES_USER: postgres
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}
    volumes:
      - pgdata:/var/lib/postgresql/data
      - ./deploy/postgres/init-databases.sql:/docker-entrypoint-initdb.d/init-databases.sql:ro
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
      interval: 2s
      retries: 30

  # Append-only persistence: domain events wait in Redis Streams for consumers that are down.
  redis:
    image: redis:7-alpine
    command: ["redis-server", "--appendonly", "yes"]
    volumes:
      - redisdata:/data
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      interval: 2s
      retries: 30

  # Writes the access-token signing key once; later runs keep it.
  keygen:
    <<: *app
    restart: "no"
    command: ["node", "dist/scripts/keygen.js", "${KEY_FILE}"]
    volumes:
      - keys:/keys
`;

// Healthy means ready (/ready: database, Redis, migrations; for the gateway every subgraph),
// so `depends_on: service_healthy` waits for a process that can serve, not one that merely lives.
const healthcheck = (port: number): string[] => [
  '    healthcheck:',
  `      test: ["CMD", "node", "-e", "fetch('http://localhost:${port}/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]`,
  '      interval: 2s',
  '      retries: 30',
];

function subgraphService(manifest: SubgraphManifest, tokenIssuer: SubgraphManifest, all: SubgraphManifest[]): string[] {
  const calls = (manifest.calls ?? []).map((name) => all.find((candidate) => candidate.name === name)!);
  return [
    '',
    `  ${manifest.name}:`,
    '    <<: *app',
    `    command: ["node", "dist/subgraphs/main.js", "${manifest.name}"]`,
    '    environment:',
    '      <<: *env',
    `      PORT: "${manifest.port}"`,
    `      ${databaseUrlVariable(manifest.name)}: postgresql://postgres:${POSTGRES_PASSWORD}@postgres:5432/${manifest.name}`,
    manifest.issuesTokens ? `      JWT_PRIVATE_KEY_FILE: ${KEY_FILE}` : `      JWKS_URL: http://${tokenIssuer.name}:${tokenIssuer.port}/.well-known/jwks.json`,
    ...calls.map((called) => `      ${subgraphUrlVariable(called.name)}: ${subgraphUrl(called)}`),
    '      SEED_DEMO_DATA: "true"',
    ...(manifest.issuesTokens ? ['    volumes:', '      - keys:/keys:ro'] : []),
    `    expose: ["${manifest.port}"]`,
    '    depends_on:',
    '      postgres: { condition: service_healthy }',
    '      redis: { condition: service_healthy }',
    ...(manifest.issuesTokens ? ['      keygen: { condition: service_completed_successfully }'] : []),
    ...calls.map((called) => `      ${called.name}: { condition: service_healthy }`),
    ...healthcheck(manifest.port),
  ];
}

function gatewayService(manifests: SubgraphManifest[], tokenIssuer: SubgraphManifest): string[] {
  return [
    '',
    '  gateway:',
    '    <<: *app',
    '    command: ["node", "dist/gateway/main.js"]',
    '    environment:',
    '      <<: *env',
    `      PORT: "${DEFAULT_GATEWAY_PORT}"`,
    ...manifests.map((manifest) => `      ${subgraphUrlVariable(manifest.name)}: ${subgraphUrl(manifest)}`),
    `      JWKS_URL: http://${tokenIssuer.name}:${tokenIssuer.port}/.well-known/jwks.json`,
    '      # A local playground: Sandbox on. Turn both off for anything public.',
    '      SANDBOX: "true"',
    '      INTROSPECTION: "true"',
    '    # Loopback only: this file is for a laptop; publish it wider on purpose, not by default.',
    `    ports: ["127.0.0.1:${DEFAULT_GATEWAY_PORT}:${DEFAULT_GATEWAY_PORT}"]`,
    '    depends_on:',
    ...manifests.map((manifest) => `      ${manifest.name}: { condition: service_healthy }`),
    ...healthcheck(DEFAULT_GATEWAY_PORT),
  ];
}

/** docker-compose.yml for these subgraphs (supergraph.yaml order). */
export function renderComposeFile(manifests: SubgraphManifest[]): string {
  const tokenIssuer = manifests.find((manifest) => manifest.issuesTokens);
  if (!tokenIssuer) throw new Error('No subgraph issues tokens (manifest.issuesTokens)');
  const lines = [
    HEADER.trimEnd(),
    ...manifests.flatMap((manifest) => subgraphService(manifest, tokenIssuer, manifests)),
    ...gatewayService(manifests, tokenIssuer),
    '',
    'volumes:',
    '  pgdata:',
    '  redisdata:',
    '  keys:',
  ];
  return `${lines.join('\n')}\n`;
}

/** The PostgreSQL init script: one database per subgraph. */
export function renderInitSql(manifests: SubgraphManifest[]): string {
  const lines = ["-- One database per domain (DESIGN.md): no service can read another's tables.", ...manifests.map(({ name }) => `CREATE DATABASE ${name};`)];
  return `${lines.join('\n')}\n`;
}
