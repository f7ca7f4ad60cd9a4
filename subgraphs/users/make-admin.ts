// `npm run make-admin -- <username>` (in the image: `node dist/subgraphs/users/make-admin.js
// <username>`): makes an existing account an admin, reading USERS_DATABASE_URL. This is how a
// fresh deployment gets its first admin; after that, admins promote others with setUserRole.
// The change is audited (ROLE_CHANGED, no actor) and shows in the user's next access token.
// With REDIS_URL (and the deployment's REDIS_PREFIX) set, it is announced to the gateways'
// caches as the API's role changes are; without, cached answers about the user expire.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../prisma/users/generated/client.js';
import { announceChangedEntities } from '../../contracts/entity-changes.js';
import { createDatabasePool } from '../../platform/data/database.js';
import { createPubSub } from '../../platform/messaging/pubsub.js';
import { createLogger } from '../../platform/observability/logger.js';
import { loadMakeAdminConfig } from './config.js';
import { createRoles } from './roles.js';

async function main(): Promise<number> {
  const username = process.argv[2];
  if (!username) {
    console.error('Usage: npm run make-admin -- <username>   (with USERS_DATABASE_URL set)');
    return 2;
  }
  const { databaseUrl, redisUrl, redisPrefix } = loadMakeAdminConfig(process.env);
  const pool = createDatabasePool(databaseUrl, 1);
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  const pubsub = redisUrl ? createPubSub(redisUrl, createLogger('make-admin', 'warn'), redisPrefix) : undefined;
  try {
    const roles = createRoles(db, pubsub && ((entities) => announceChangedEntities(pubsub, entities)));
    const { user, changed } = await roles.promoteByUsername(username);
    console.log(changed ? `make-admin: ${user.username} is now an admin (from their next access token)` : `make-admin: ${user.username} already is an admin`);
    return 0;
  } finally {
    await pubsub?.close();
    await db.$disconnect();
    await pool.end();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`make-admin: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
