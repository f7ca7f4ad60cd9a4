import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { remoteAccountCheck } from '../auth/account-check.js';
import type { AccountCheck } from '../auth/account-check.js';
import type { TokenVerifier, Viewer } from '../auth/token-verifier.js';
import { createDatabasePool } from '../data/database.js';
import { applyMigrations } from '../data/migrations.js';
import { Router } from '../http/http-server.js';
import type { EventBus } from '../messaging/bus.js';
import { InProcessBroker, inProcessEventBus } from '../messaging/in-process.js';
import { createPubSub } from '../messaging/pubsub.js';
import type { PubSub } from '../messaging/pubsub.js';
import { redisEventBus } from '../messaging/redis-streams.js';
import { internalSecretWarning } from '../config/env.js';
import { createLogger } from '../observability/logger.js';
import { createMetricsRegistry, scrapedGauge } from '../observability/metrics.js';
import type { Registry } from '../observability/metrics.js';
import type { Logger } from '../observability/logger.js';
import { projectPath } from '../paths.js';
import { once } from '../process/run-process.js';
import { startSubgraphServer } from './graphql-server.js';
import type { RequestFacts, RunningSubgraph, SubgraphContext } from './graphql-server.js';
import type { SubgraphRuntime } from './manifest.js';
import type { SubgraphSettings } from './subgraph-settings.js';

/** What a domain's subgraph runs on, opened for it before its services are built. */
export interface SubgraphResources {
  settings: SubgraphSettings;
  logger: Logger;
  /** The migrated database. */
  pool: pg.Pool;
  /** The pool as a Prisma driver adapter: `new PrismaClient({ adapter })`. */
  adapter: PrismaPg;
  pubsub: PubSub;
  events: EventBus;
  /** Routes the domain serves beside `/graphql` and the probes (users: its JWKS). */
  router: Router;
  /** The subgraph's Prometheus registry: a domain registers its own series here (posts: its outbox backlog). */
  metrics: Registry;
}

/** What a domain builds on its resources: how its subgraph answers. */
export interface SubgraphServices<TContext extends SubgraphContext> {
  resolvers: object;
  verifier: TokenVerifier;
  /** A new context per request: the viewer, fresh DataLoaders, the domain's services. */
  createContext: (viewer: Viewer | null, request: RequestFacts) => TContext;
  /**
   * Whether a token's user still has an account (mutations are refused otherwise). Users
   * answers from its own database; every other domain asks users at USERS_SUBGRAPH_URL.
   */
  accountExists?: AccountCheck;
  /** Closes what the domain opened (its Prisma client, relays), after the server stopped. */
  close?: () => Promise<void> | void;
}

/** The pool's connections in use, idle and waited for, read at each scrape. */
function poolGauges(registry: Registry, pool: pg.Pool): void {
  scrapedGauge(registry, 'db_pool_connections', 'Database pool connections by state.', ['state'], (set) => {
    set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
    set({ state: 'idle' }, pool.idleCount);
    set({ state: 'waiting' }, pool.waitingCount);
  });
}

/**
 * Starts a domain's subgraph: migrates its database (`prisma/<name>/migrations`), opens its
 * pool, pub/sub and event bus, lets `build` make the domain's services on them, and serves
 * them. Stopping it stops the server, then closes the domain, then the resources.
 */
export async function startSubgraph<TContext extends SubgraphContext>(
  settings: SubgraphSettings,
  runtime: SubgraphRuntime,
  build: (resources: SubgraphResources) => Promise<SubgraphServices<TContext>>,
): Promise<RunningSubgraph> {
  const { name } = settings;
  const logger = createLogger(name, settings.logLevel, settings.production, runtime.logOutput);
  const secretWarning = internalSecretWarning(settings.internalSecret, settings.production);
  if (secretWarning) logger.warn(secretWarning);
  await applyMigrations(settings.databaseUrl, projectPath('prisma', name, 'migrations'), logger);
  const pool = createDatabasePool(settings.databaseUrl, settings.databasePoolSize, (error) => logger.warn('idle database connection lost', { error: error.message }));
  const metrics = createMetricsRegistry(name);
  poolGauges(metrics, pool);
  const pubsub = createPubSub(settings.redisUrl, logger, settings.redisPrefix);
  const events = settings.redisUrl
    ? redisEventBus(settings.redisUrl, settings.redisPrefix, logger, metrics)
    : inProcessEventBus(runtime.broker ?? new InProcessBroker(), settings.redisPrefix, logger);
  const resources: SubgraphResources = { settings, logger, pool, adapter: new PrismaPg(pool), pubsub, events, router: new Router(), metrics };
  let services: SubgraphServices<TContext> | undefined;
  const close = once(async () => {
    await services?.close?.();
    await events.close();
    await pubsub.close();
    await pool.end();
  });
  try {
    services = await build(resources);
    const server = await startSubgraphServer<TContext>({
      name,
      ...services,
      accountExists: services.accountExists ?? remoteAccountCheck(settings.usersUrl, logger),
      readiness: {
        database: () => pool.query('SELECT 1'),
        ...(settings.redisUrl && { redis: () => pubsub.ping() }),
      },
      shutdownDelayMs: settings.shutdownDelayMs,
      registry: metrics,
      router: resources.router,
      production: settings.production,
      logger,
      port: settings.port,
      host: settings.host,
      internalSecret: settings.internalSecret,
      directExecution: settings.directExecution,
    });
    return {
      ...server,
      stop: once(async () => {
        await server.stop();
        await close();
      }),
    };
  } catch (error) {
    // A seed that failed, a port that is taken: release the pool and Redis before failing.
    await close();
    throw error;
  }
}
