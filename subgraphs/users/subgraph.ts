import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../prisma/users/generated/client.js';
import { createDatabasePool } from '../shared/database.js';
import { sendJson } from '../shared/http.js';
import { createLogger } from '../shared/logger.js';
import { applyMigrations } from '../shared/migrate.js';
import { projectPath } from '../shared/paths.js';
import { once } from '../shared/process.js';
import { createPubSub } from '../shared/pubsub.js';
import { startSubgraphServer } from '../shared/server.js';
import type { RunningSubgraph } from '../shared/server.js';
import { createAccounts } from './accounts.js';
import type { UsersConfig } from './config.js';
import type { Context } from './context.js';
import { createDirectory } from './directory.js';
import { createFollows } from './follows.js';
import { loadSigningKey } from './keys.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import { seedDemoData } from './seed.js';
import { createTokenIssuer } from './tokens.js';

/** Migrates the users database, then serves the users subgraph and its JWKS. */
export async function startUsersSubgraph(config: UsersConfig): Promise<RunningSubgraph> {
  const logger = createLogger('users', config.logLevel, config.production);
  const signingKey = await loadSigningKey(config.signingKeyPem);
  await applyMigrations(config.databaseUrl, projectPath('prisma', 'users', 'migrations'), logger);
  const pool = createDatabasePool(config.databaseUrl, config.databasePoolSize);
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  if (config.seedDemoData) await seedDemoData(db, logger);

  const tokens = createTokenIssuer(signingKey, config);
  const pubsub = createPubSub(config.redisUrl, logger);
  const accounts = createAccounts({ db, tokens, refreshTokenTtlDays: config.refreshTokenTtlDays });
  const follows = createFollows({ db, pubsub, logger });
  const directory = createDirectory(db);

  const server = await startSubgraphServer<Context>({
    name: 'users',
    resolvers,
    verifier: tokens.verifier,
    createContext: (viewer) => ({ viewer, loaders: createLoaders(db, viewer), accounts, follows, directory, pubsub, signedInUserId: null }),
    healthCheck: () => pool.query('SELECT 1'),
    routes: {
      '/.well-known/jwks.json': (_request, response) => sendJson(response, 200, signingKey.jwks, { 'cache-control': 'public, max-age=300' }),
    },
    production: config.production,
    logger,
    port: config.port,
    host: config.host,
  });

  return {
    ...server,
    pool,
    stop: once(async () => {
      await server.stop();
      await pubsub.close();
      await db.$disconnect();
      await pool.end();
    }),
  };
}
