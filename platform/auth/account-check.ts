import DataLoader from 'dataloader';
import { appError } from '../errors.js';
import type { Logger } from '../observability/logger.js';

/** Whether the user an access token names still has an account. */
export type AccountCheck = (userId: string) => Promise<boolean>;

const USER_EXISTS = 'query UserExists($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { id } } }';

/**
 * Asks the users subgraph (its API, never its database) whether a user exists, through the
 * federation entity lookup every subgraph serves: no API of its own to keep, and it answers
 * null for a user who is gone. When users cannot answer, the write fails with an internal
 * error rather than being let through on a token whose account may be gone.
 */
export function remoteAccountCheck(usersUrl: string, logger: Logger): AccountCheck {
  // Checks of concurrent requests (a burst of votes) share one round trip; nothing is
  // cached, so an account deleted a moment ago is refused at the next write.
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
  return (userId) => loader.load(userId);
}
