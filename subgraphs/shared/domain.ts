import { PrismaPg } from '@prisma/adapter-pg';
import type { TokenVerifier, Viewer } from './auth.js';
import type { Domain, SubgraphSettings } from './config.js';
import { createDatabasePool } from './database.js';
import type { CountingPool } from './database.js';
import { createEventBus } from './events.js';
import type { EventBus } from './events.js';
import { createLogger } from './logger.js';
import type { Logger } from './logger.js';
import { applyMigrations } from './migrate.js';
import { projectPath } from './paths.js';
import { once } from './process.js';
import { createPubSub } from './pubsub.js';
import type { PubSub } from './pubsub.js';
import type { Routes } from './http.js';
import { startSubgraphServer } from './server.js';
import type { RunningSubgraph, SubgraphContext } from './server.js';

/** What every domain's subgraph runs on: its migrated database, pub/sub and event bus. */
export interface DomainResources<Db> {
  domain: Domain;
  settings: SubgraphSettings;
  logger: Logger;
  pool: CountingPool;
  db: Db;
  pubsub: PubSub;
  events: EventBus;
  /** Closes what `openDomain` opened, after the server stopped. */
  close(): Promise<void>;
}

/**
 * Migrates the domain's database (`prisma/<domain>/migrations`), then opens its pool, its
 * Prisma client (through `createClient`, since each domain has its own generated client),
 * pub/sub and event bus, configured from the subgraph's settings.
 */
export async function openDomain<Db extends { $disconnect(): Promise<void> }>(
  domain: Domain,
  settings: SubgraphSettings,
  createClient: (adapter: PrismaPg) => Db,
): Promise<DomainResources<Db>> {
  const logger = createLogger(domain, settings.logLevel, settings.production);
  await applyMigrations(settings.databaseUrl, projectPath('prisma', domain, 'migrations'), logger);
  const pool = createDatabasePool(settings.databaseUrl, settings.databasePoolSize, (error) => logger.warn('idle database connection lost', { error: error.message }));
  const db = createClient(new PrismaPg(pool));
  const pubsub = createPubSub(settings.redisUrl, logger, settings.redisPrefix);
  const events = createEventBus(settings.redisUrl, settings.redisPrefix, logger);
  return {
    domain,
    settings,
    logger,
    pool,
    db,
    pubsub,
    events,
    async close() {
      await events.close();
      await pubsub.close();
      await db.$disconnect();
      await pool.end();
    },
  };
}

export interface DomainServerOptions<TContext extends SubgraphContext> {
  resolvers: object;
  verifier: TokenVerifier;
  /** A new context per request: the viewer, fresh DataLoaders, the domain's services. */
  createContext: (viewer: Viewer | null) => TContext;
  routes?: Routes;
  /** Runs after the server stopped and before the domain's resources close. */
  beforeClose?: () => void;
}

/**
 * Serves a domain's subgraph with the settings it was opened with (port, host, health
 * check on its database). Stopping it stops the server, then closes the domain.
 */
export async function serveDomain<Db, TContext extends SubgraphContext>(
  resources: DomainResources<Db>,
  { resolvers, verifier, createContext, routes, beforeClose }: DomainServerOptions<TContext>,
): Promise<RunningSubgraph> {
  const { domain, settings, logger, pool } = resources;
  const server = await startSubgraphServer<TContext>({
    name: domain,
    resolvers,
    verifier,
    createContext,
    healthCheck: () => pool.query('SELECT 1'),
    routes,
    production: settings.production,
    logger,
    port: settings.port,
    host: settings.host,
  }).catch(async (error: unknown) => {
    // The port is taken, say: release the pool and Redis connections before failing.
    beforeClose?.();
    await resources.close();
    throw error;
  });
  return {
    ...server,
    pool,
    stop: once(async () => {
      await server.stop();
      beforeClose?.();
      await resources.close();
    }),
  };
}
