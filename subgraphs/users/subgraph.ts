import { PrismaClient } from '../../prisma/users/generated/client.js';
import { openDomain, serveDomain } from '../shared/domain.js';
import { sendJson } from '../shared/http.js';
import { createFailureCounter } from '../shared/rate-limit.js';
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

/** Wrong passwords allowed per username or email before sign-in pauses for the rest of the window. */
const LOGIN_LIMIT = { limit: 10, windowSeconds: 15 * 60 };

/** Migrates the users database, then serves the users subgraph and its JWKS. */
export async function startUsersSubgraph(config: UsersConfig): Promise<RunningSubgraph> {
  const signingKey = await loadSigningKey(config.signingKeyPem);
  const domain = await openDomain('users', config, (adapter) => new PrismaClient({ adapter }));
  const { db, pubsub, logger } = domain;
  if (config.seedDemoData) await seedDemoData(db, logger);

  const tokens = createTokenIssuer(signingKey, config);
  const loginFailures = createFailureCounter({ ...LOGIN_LIMIT, redisUrl: config.redisUrl, prefix: config.redisPrefix, logger });
  const accounts = createAccounts({ db, tokens, refreshTokenTtlDays: config.refreshTokenTtlDays, loginFailures });
  const follows = createFollows({ db, pubsub });
  const directory = createDirectory(db);

  return serveDomain<PrismaClient, Context>(domain, {
    resolvers,
    verifier: tokens.verifier,
    createContext: (viewer) => ({ viewer, loaders: createLoaders(db, viewer), accounts, follows, directory, pubsub, signedInUserId: null }),
    routes: {
      '/.well-known/jwks.json': (_request, response) => sendJson(response, 200, signingKey.jwks, { 'cache-control': 'public, max-age=300' }),
    },
    beforeClose: () => void loginFailures.close(),
  });
}
