import { PrismaClient } from '../../prisma/users/generated/client.js';
import { loadSigningKey } from '../../platform/auth/signing-key.js';
import { createFailureCounter } from '../../platform/failure-counter.js';
import { sendJson } from '../../platform/http/http-server.js';
import { Counter } from '../../platform/observability/metrics.js';
import type { RunningSubgraph } from '../../platform/subgraph/graphql-server.js';
import type { SubgraphRuntime } from '../../platform/subgraph/manifest.js';
import { startSubgraph } from '../../platform/subgraph/start-subgraph.js';
import { AUDITED_STREAMS, onAuditEvent } from '../../contracts/audit-events.js';
import { announceChangedEntities } from '../../contracts/entity-changes.js';
import type { ChangedEntity } from '../../contracts/entity-changes.js';
import { createAccounts } from './accounts.js';
import { createAuditLog } from './audit.js';
import type { UsersConfig } from './config.js';
import type { Context } from './context.js';
import { createDirectory } from './directory.js';
import { createFollows } from './follows.js';
import { loadersOver } from './loaders.js';
import { resolvers } from './resolvers.js';
import { createRoles } from './roles.js';
import { seedDemoData } from './seed.js';
import { createTokenIssuer } from './tokens.js';

/**
 * The users subgraph: accounts, sessions, the follow graph, roles and the audit log (fed by
 * every domain's audit events); it signs access tokens and serves its JWKS.
 */
export async function startUsersSubgraph(config: UsersConfig, runtime: SubgraphRuntime): Promise<RunningSubgraph> {
  const signingKey = await loadSigningKey(config.signingKeyPem);
  return startSubgraph<Context>(config, runtime, async ({ adapter, pubsub, events, logger, router, metrics }) => {
    const db = new PrismaClient({ adapter });
    if (config.seedDemoData) await seedDemoData(db, logger);
    const tokens = createTokenIssuer(signingKey, config);
    const counter = (name: string, limit: number, windowSeconds: number) =>
      createFailureCounter({ limit, windowSeconds, redisUrl: config.redisUrl, prefix: `${config.redisPrefix}:${name}`, logger });
    const { passwordGuesses: guessLimit, registrations: signUpLimit } = config;
    const passwordGuesses = counter('password-guesses', guessLimit.limit, guessLimit.windowSeconds);
    const registrations = {
      perAddress: counter('registrations', signUpLimit.perAddress, signUpLimit.windowSeconds),
      global: counter('registrations-global', signUpLimit.global, signUpLimit.windowSeconds),
    };
    // What the guess limit bounds, and what an operator watches for password spraying.
    const verifications = new Counter({ name: 'password_verifications_total', help: 'Passwords checked (argon2 verifications), by operation.', labelNames: ['operation'], registers: [metrics] });
    const announce = (entities: ChangedEntity[]) => announceChangedEntities(pubsub, entities);
    const accounts = createAccounts({
      db,
      tokens,
      refreshTokenTtlDays: config.refreshTokenTtlDays,
      passwordGuesses,
      registrations,
      passwordVerified: (operation) => verifications.inc({ operation }),
      announce,
    });
    const follows = createFollows({ db, pubsub });
    const directory = createDirectory(db);
    const roles = createRoles(db, announce);
    const auditLog = createAuditLog(db);
    const loaders = loadersOver(db);
    // Every domain's admin actions, from its own stream: events wait there while users is down.
    for (const stream of AUDITED_STREAMS) events.consume(stream, 'users', (event) => onAuditEvent(event, auditLog.record));
    router.on('/.well-known/jwks.json', (_request, response) => sendJson(response, 200, signingKey.jwks, { 'cache-control': 'public, max-age=300' }));
    return {
      resolvers,
      verifier: tokens.verifier,
      createContext: (viewer, { clientAddress }) => ({ viewer, loaders: loaders(viewer), accounts, follows, directory, roles, auditLog, pubsub, signedInUserId: null, clientAddress }),
      // Its own database is the authority: no request to itself.
      accountExists: async (id) => (await db.user.count({ where: { id } })) > 0,
      close: async () => {
        await Promise.all([passwordGuesses, registrations.perAddress, registrations.global].map((each) => each.close()));
        await db.$disconnect();
      },
    };
  });
}
