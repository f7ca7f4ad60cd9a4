import { createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGatewayConfig, subgraphUrlVariable } from '../gateway/config.js';
import { startGateway } from '../gateway/server.js';
import { composeSupergraph, readSupergraphConfig } from '../gateway/supergraph.js';
import { databaseUrlVariable, defaultSubgraphPort, DOMAINS } from '../subgraphs/shared/config.js';
import type { Domain, Env } from '../subgraphs/shared/config.js';
import { createLogger } from '../subgraphs/shared/logger.js';
import { generateSigningKeyPem } from '../subgraphs/users/keys.js';
import type { EmbeddedConfig } from './config.js';
import { openEmbeddedDatabase } from './pglite.js';
import { SUBGRAPH_STARTERS } from './subgraphs.js';

export interface EmbeddedSupergraph {
  gatewayUrl: string;
  /** Subgraph name → its GraphQL URL. */
  subgraphUrls: Record<string, string>;
  stop(): Promise<void>;
}

/** The token signing key, made on first run and kept with the data (readable by the owner only). */
function ensureSigningKey(dataDir: string): string {
  const path = join(dataDir, 'jwt-signing-key.pem');
  if (!existsSync(path)) writeFileSync(path, generateSigningKeyPem(), { mode: 0o600 });
  return readFileSync(path, 'utf8');
}

const isDomain = (name: string): name is Domain => (DOMAINS as readonly string[]).includes(name);

/**
 * The whole supergraph in one process: a PGlite database per domain under `dataDir`, every
 * subgraph in supergraph.yaml (migrated, and seeded on first run), and the gateway.
 */
export async function startEmbedded(config: EmbeddedConfig): Promise<EmbeddedSupergraph> {
  const logger = createLogger('embedded', config.logLevel, config.production);
  mkdirSync(config.dataDir, { recursive: true });
  const signingKeyPem = ensureSigningKey(config.dataDir);
  const publicKeyPem = createPublicKey(signingKeyPem).export({ type: 'spki', format: 'pem' }).toString();
  const entries = readSupergraphConfig();
  const supergraphPath = join(config.dataDir, 'supergraph.graphql');
  writeFileSync(supergraphPath, composeSupergraph(entries).supergraphSdl);

  const common: Env = { NODE_ENV: config.production ? 'production' : 'development', LOG_LEVEL: config.logLevel, REDIS_URL: config.redisUrl };
  const stops: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const step of stops.splice(0)) await step().catch((error: unknown) => logger.error('stop failed', { error }));
  };
  try {
    const subgraphUrls: Record<string, string> = {};
    await Promise.all(
      entries.map(async ({ name }) => {
        const start = SUBGRAPH_STARTERS[name];
        if (!start || !isDomain(name)) throw new Error(`supergraph.yaml lists "${name}", which this build cannot start`);
        const database = await openEmbeddedDatabase(join(config.dataDir, name));
        stops.push(database.close);
        const subgraph = await start({
          ...common,
          HOST: '127.0.0.1',
          PORT: String(config.port === 0 ? 0 : defaultSubgraphPort(name)),
          [databaseUrlVariable(name)]: database.url,
          DATABASE_POOL_SIZE: '1',
          SEED_DEMO_DATA: 'true',
          ...(name === 'users' ? { JWT_PRIVATE_KEY: signingKeyPem } : { JWT_PUBLIC_KEY: publicKeyPem }),
        });
        stops.unshift(subgraph.stop);
        subgraphUrls[name] = subgraph.url;
      }),
    );
    const gateway = await startGateway(
      loadGatewayConfig({
        ...common,
        HOST: config.host,
        PORT: String(config.port),
        SUPERGRAPH_PATH: supergraphPath,
        JWT_PUBLIC_KEY: publicKeyPem,
        ...Object.fromEntries(Object.entries(subgraphUrls).map(([name, url]) => [subgraphUrlVariable(name), url])),
      }),
    );
    stops.unshift(gateway.stop);
    return { gatewayUrl: gateway.url, subgraphUrls, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
