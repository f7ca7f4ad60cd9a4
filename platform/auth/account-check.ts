import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import { appError } from '../errors.js';
import type { Logger } from '../observability/logger.js';

/** Whether the user an access token names still has an account. */
export type AccountCheck = (userId: string) => Promise<boolean>;

/** How long a confirmed account is taken on trust. */
const CONFIRMED_FOR_MS = 30_000;

const USER_EXISTS = 'query UserExists($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { id } } }';

/**
 * Asks the users subgraph (its API, never its database) whether a user exists, through the
 * federation entity lookup every subgraph serves: no API of its own to keep, and it answers
 * null for a user who is gone. An account confirmed in the last `CONFIRMED_FOR_MS` is not
 * asked about again: users may restart (or be briefly away) without stopping every write, and
 * a deleted account's token is refused that much later at most. An account not confirmed
 * lately, while users cannot answer, is refused with an internal error rather than trusted.
 */
export function remoteAccountCheck(usersUrl: string, logger: Logger): AccountCheck {
  const confirmed = new LRUCache<string, true>({ max: 100_000, ttl: CONFIRMED_FOR_MS });
  // Checks of concurrent requests (a burst of votes) share one round trip.
  const loader = new DataLoader<string, boolean>(
    async (ids) => {
      try {
        const response = await fetch(usersUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: USER_EXISTS, variables: { representations: ids.map((id) => ({ __typename: 'User', id })) } }),
          signal: AbortSignal.timeout(5_000),
        });
        const body = (await response.json()) as { data?: { _entities: Array<{ id: string } | null> } };
        if (!response.ok || !body.data) throw new Error(`users answered ${response.status}`);
        const entities = body.data._entities;
        return ids.map((id, index) => entities[index]?.id === id);
      } catch (error) {
        logger.warn('could not ask users whether an account exists', { error });
        throw appError('INTERNAL_SERVER_ERROR', 'Your account could not be checked right now; try again.');
      }
    },
    { cache: false, maxBatchSize: 100 },
  );
  return async (userId) => {
    if (confirmed.has(userId)) return true;
    const exists = await loader.load(userId);
    if (exists) confirmed.set(userId, true);
    return exists;
  };
}
