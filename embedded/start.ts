import { createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGatewayConfig, subgraphUrlVariable } from '../gateway/config.js';
import { startGateway } from '../gateway/server.js';
import type { RunningGateway } from '../gateway/server.js';
import { composeSupergraph, readSupergraphConfig } from '../gateway/supergraph.js';
import type { SubgraphEntry } from '../gateway/supergraph.js';
import { databaseUrlVariable, defaultSubgraphPort, DOMAINS } from '../subgraphs/shared/config.js';
import type { Domain, Env } from '../subgraphs/shared/config.js';
import { createLogger } from '../subgraphs/shared/logger.js';
import type { RunningSubgraph } from '../subgraphs/shared/server.js';
import { generateSigningKeyPem } from '../subgraphs/users/keys.js';
import type { EmbeddedConfig } from './config.js';
import { openEmbeddedDatabase } from './pglite.js';
import { SUBGRAPH_STARTERS } from './subgraphs.js';

export interface RunningSupergraph {
  gatewayUrl: string;
  gateway: RunningGateway;
  subgraphs: Record<string, RunningSubgraph>;
  /** The environment each subgraph was started with: start another replica with it. */
  subgraphEnv: Record<string, Env>;
  stop(): Promise<void>;
}

export interface SupergraphOptions {
  /** Passed to every process: NODE_ENV, LOG_LEVEL, REDIS_URL, and any other setting. */
  env: Env;
  /** Extra variables for the gateway only (for tests: NODE_ENV=production, …). */
  gatewayEnv?: Env;
  gatewayPort: number;
  gatewayHost?: string | undefined;
  /** 0 for any free port. */
  subgraphPort: (domain: Domain) => number;
  /** A database for the domain; `close` runs after its subgraph stopped. */
  openDatabase: (domain: Domain) => Promise<{ url: string; close: () => Promise<void> }>;
  poolSize: number;
  signingKeyPem: string;
  /** Where the composed supergraph.graphql is written for the gateway. */
  workDir: string;
  /** Subgraphs running elsewhere, composed in too (tests add a second subgraph this way). */
  extraSubgraphs?: SubgraphEntry[];
}

const isDomain = (name: string): name is Domain => (DOMAINS as readonly string[]).includes(name);

/**
 * Every subgraph in supergraph.yaml and the gateway, in this process, each configured from
 * an environment exactly as its own `main.ts` would be. The embedded default and the
 * integration tests differ only in the databases they hand it.
 */
export async function startSupergraph(options: SupergraphOptions): Promise<RunningSupergraph> {
  const logger = createLogger('supergraph', 'warn');
  const publicKeyPem = createPublicKey(options.signingKeyPem).export({ type: 'spki', format: 'pem' }).toString();
  const entries = readSupergraphConfig();
  const supergraphPath = join(options.workDir, 'supergraph.graphql');
  writeFileSync(supergraphPath, composeSupergraph([...entries, ...(options.extraSubgraphs ?? [])]).supergraphSdl);

  const stops: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const step of stops.splice(0)) await step().catch((error: unknown) => logger.error('stop failed', { error }));
  };
  try {
    const subgraphs: Record<string, RunningSubgraph> = {};
    const subgraphEnv: Record<string, Env> = {};
    const urls: Record<string, string> = {};
    for (const { name } of entries) {
      if (!SUBGRAPH_STARTERS[name] || !isDomain(name)) throw new Error(`supergraph.yaml lists "${name}", which this build cannot start`);
    }
    // Databases open in parallel (PGlite's first start is the slow part)…
    const databases = await Promise.all(
      entries.map(async ({ name }) => {
        const database = await options.openDatabase(name as Domain);
        stops.push(database.close);
        return database;
      }),
    );
    // …subgraphs start in supergraph.yaml order, each told where the earlier ones are (likes asks posts).
    for (const [index, { name }] of entries.entries()) {
      const env: Env = {
        ...options.env,
        ...Object.fromEntries(Object.entries(urls).map(([started, url]) => [subgraphUrlVariable(started), url])),
        HOST: '127.0.0.1',
        PORT: String(options.subgraphPort(name as Domain)),
        [databaseUrlVariable(name as Domain)]: databases[index]!.url,
        DATABASE_POOL_SIZE: String(options.poolSize),
        ...(name === 'users' ? { JWT_PRIVATE_KEY: options.signingKeyPem } : { JWT_PUBLIC_KEY: publicKeyPem }),
      };
      const subgraph = await SUBGRAPH_STARTERS[name]!(env);
      stops.unshift(subgraph.stop);
      subgraphs[name] = subgraph;
      urls[name] = subgraph.url;
      subgraphEnv[name] = { ...env, PORT: String(subgraph.port) };
    }
    const gateway = await startGateway(
      loadGatewayConfig({
        ...options.env,
        HOST: options.gatewayHost,
        PORT: String(options.gatewayPort),
        SUPERGRAPH_PATH: supergraphPath,
        JWT_PUBLIC_KEY: publicKeyPem,
        ...Object.fromEntries(Object.entries(urls).map(([name, url]) => [subgraphUrlVariable(name), url])),
        ...options.gatewayEnv,
      }),
    );
    stops.unshift(gateway.stop);
    return { gatewayUrl: gateway.url, gateway, subgraphs, subgraphEnv, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The token signing key, made on first run and kept with the data (readable by the owner only). */
function ensureSigningKey(dataDir: string): string {
  const path = join(dataDir, 'jwt-signing-key.pem');
  if (!existsSync(path)) writeFileSync(path, generateSigningKeyPem(), { mode: 0o600 });
  return readFileSync(path, 'utf8');
}

/**
 * The embedded default (`npm start`): a PGlite database per domain under `dataDir`, demo
 * data seeded into each on first run. Subgraphs take ports 4001–4006, or free ports when
 * the gateway's port is 0.
 */
export function startEmbedded(config: EmbeddedConfig): Promise<RunningSupergraph> {
  mkdirSync(config.dataDir, { recursive: true });
  return startSupergraph({
    env: { NODE_ENV: config.production ? 'production' : 'development', LOG_LEVEL: config.logLevel, REDIS_URL: config.redisUrl, SEED_DEMO_DATA: 'true' },
    gatewayPort: config.port,
    gatewayHost: config.host,
    subgraphPort: (domain) => (config.port === 0 ? 0 : defaultSubgraphPort(domain)),
    openDatabase: (domain) => openEmbeddedDatabase(join(config.dataDir, domain)),
    // PGlite is a single session: a larger pool would share it (DESIGN.md).
    poolSize: 1,
    signingKeyPem: ensureSigningKey(config.dataDir),
    workDir: config.dataDir,
  });
}
