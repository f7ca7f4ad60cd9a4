import { createPublicKey, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGatewayConfig, subgraphUrlVariable } from '../gateway/config.js';
import { startGateway } from '../gateway/server.js';
import type { RunningGateway } from '../gateway/server.js';
import { composeSupergraph } from '../gateway/supergraph.js';
import { generateSigningKeyPem } from '../platform/auth/signing-key.js';
import type { Env } from '../platform/config/env.js';
import { localUrl } from '../platform/http/http-server.js';
import { InProcessBroker } from '../platform/messaging/in-process.js';
import { createLogger } from '../platform/observability/logger.js';
import type { LogOutput } from '../platform/observability/logger.js';
import type { RunningSubgraph } from '../platform/subgraph/graphql-server.js';
import type { SubgraphManifest } from '../platform/subgraph/manifest.js';
import { databaseUrlVariable } from '../platform/subgraph/subgraph-settings.js';
import { readSupergraphConfig } from '../platform/supergraph-config.js';
import type { SubgraphEntry } from '../platform/supergraph-config.js';
import { loadManifests } from '../subgraphs/manifests.js';
import type { EmbeddedConfig } from './config.js';
import { initializeDataDirs, openEmbeddedDatabase } from './pglite.js';

export interface RunningSupergraph {
  gatewayUrl: string;
  gateway: RunningGateway;
  subgraphs: Record<string, RunningSubgraph>;
  /** Each subgraph's manifest, and the environment it was started with: start another replica with them. */
  manifests: Record<string, SubgraphManifest>;
  subgraphEnv: Record<string, Env>;
  /** The domain event streams the subgraphs share when there is no Redis. */
  broker: InProcessBroker;
  stop(): Promise<void>;
}

export interface SupergraphOptions {
  /** Passed to every process: NODE_ENV, LOG_LEVEL, REDIS_URL, and any other setting. */
  env: Env;
  /** Extra variables for the gateway only (for tests: NODE_ENV=production, …). */
  gatewayEnv?: Env;
  gatewayPort: number;
  gatewayHost?: string | undefined;
  /** A subgraph's port: its manifest's default, or 0 for any free port. */
  subgraphPort: (manifest: SubgraphManifest) => number;
  /** A database for the subgraph; `close` runs after its subgraph stopped. */
  openDatabase: (name: string) => Promise<{ url: string; close: () => Promise<void> }>;
  poolSize: number;
  signingKeyPem: string;
  /** Where the composed supergraph.graphql is written for the gateway. */
  workDir: string;
  /** Subgraphs running elsewhere, composed in too (tests add a second subgraph this way). */
  extraSubgraphs?: SubgraphEntry[];
  /** Where every process's log lines go instead of stderr (tests read them). */
  logOutput?: LogOutput;
}

/**
 * Every subgraph in supergraph.yaml and the gateway, in this process, each configured from
 * an environment exactly as its own process would be. The embedded default and the
 * integration tests differ only in the databases they hand it.
 */
export async function startSupergraph(options: SupergraphOptions): Promise<RunningSupergraph> {
  const logger = createLogger('supergraph', 'warn');
  const publicKeyPem = createPublicKey(options.signingKeyPem).export({ type: 'spki', format: 'pem' }).toString();
  const supergraphPath = join(options.workDir, 'supergraph.graphql');
  writeFileSync(supergraphPath, composeSupergraph([...readSupergraphConfig(), ...(options.extraSubgraphs ?? [])]).supergraphSdl);
  const manifests = await loadManifests();
  const broker = new InProcessBroker();
  // Every process is in this one: a secret of this run's own, unless one was given, beats
  // the development default that anyone reaching a subgraph's port could send.
  const env: Env = { ...options.env, INTERNAL_SECRET: options.env['INTERNAL_SECRET'] ?? randomBytes(32).toString('hex') };

  const stops: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const step of stops.splice(0)) await step().catch((error: unknown) => logger.error('stop failed', { error }));
  };
  try {
    const subgraphs: Record<string, RunningSubgraph> = {};
    const subgraphEnv: Record<string, Env> = {};
    const urls: Record<string, string> = {};
    // Databases open in parallel (PGlite's first start is the slow part)…
    const databases = await Promise.all(
      manifests.map(async ({ name }) => {
        const database = await options.openDatabase(name);
        stops.push(database.close);
        return database;
      }),
    );
    // …subgraphs start in supergraph.yaml order, each told where the ones it calls are.
    for (const [index, manifest] of manifests.entries()) {
      const processEnv: Env = {
        ...env,
        ...Object.fromEntries((manifest.calls ?? []).filter((name) => urls[name]).map((name) => [subgraphUrlVariable(name), urls[name]])),
        HOST: '127.0.0.1',
        PORT: String(options.subgraphPort(manifest)),
        [databaseUrlVariable(manifest.name)]: databases[index]!.url,
        DATABASE_POOL_SIZE: String(options.poolSize),
        ...(manifest.issuesTokens ? { JWT_PRIVATE_KEY: options.signingKeyPem } : { JWT_PUBLIC_KEY: publicKeyPem }),
      };
      const subgraph = await manifest.start(processEnv, { broker, ...(options.logOutput && { logOutput: options.logOutput }) });
      stops.unshift(subgraph.stop);
      subgraphs[manifest.name] = subgraph;
      urls[manifest.name] = subgraph.url;
      subgraphEnv[manifest.name] = { ...processEnv, PORT: String(subgraph.port) };
    }
    const gateway = await startGateway(
      loadGatewayConfig({
        ...env,
        HOST: options.gatewayHost,
        PORT: String(options.gatewayPort),
        SUPERGRAPH_PATH: supergraphPath,
        JWT_PUBLIC_KEY: publicKeyPem,
        ...Object.fromEntries(Object.entries(urls).map(([name, url]) => [subgraphUrlVariable(name), url])),
        ...options.gatewayEnv,
      }),
      options.logOutput ? { logOutput: options.logOutput } : {},
    );
    stops.unshift(gateway.stop);
    return { gatewayUrl: gateway.url, gateway, subgraphs, manifests: Object.fromEntries(manifests.map((manifest) => [manifest.name, manifest])), subgraphEnv, broker, stop };
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
export async function startEmbedded(config: EmbeddedConfig): Promise<RunningSupergraph> {
  mkdirSync(config.dataDir, { recursive: true });
  await initializeDataDirs(readSupergraphConfig().map(({ name }) => join(config.dataDir, name)));
  return startSupergraph({
    env: {
      NODE_ENV: config.production ? 'production' : 'development',
      LOG_LEVEL: config.logLevel,
      REDIS_URL: config.redisUrl,
      SEED_DEMO_DATA: 'true',
      // Short links point at this gateway (a free port is known only once it listens).
      ...(config.port !== 0 && { SHORT_LINK_BASE_URL: localUrl(config.host, config.port, '') }),
    },
    gatewayPort: config.port,
    gatewayHost: config.host,
    subgraphPort: (manifest) => (config.port === 0 ? 0 : manifest.port),
    openDatabase: (name) => openEmbeddedDatabase(join(config.dataDir, name)),
    // PGlite is a single session: a larger pool would share it (DESIGN.md).
    poolSize: 1,
    signingKeyPem: ensureSigningKey(config.dataDir),
    workDir: config.dataDir,
  });
}
