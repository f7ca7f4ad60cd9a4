import type { PubSub } from '../platform/messaging/pubsub.js';

/**
 * What a domain promises caches of its data (the gateway's entity and response cache):
 * after every committed write that changes fields of a type it marks `@cached` in its
 * schema, it announces each changed entity on this pub/sub channel before the write's
 * response is sent. Caches drop what they keep of those entities when they hear it.
 */
export const ENTITY_CHANGED_CHANNEL = 'entityChanged';

/** One changed entity: its type's name in the supergraph and its `id` key. */
export interface ChangedEntity {
  type: string;
  id: string;
}

export interface EntitiesChanged {
  entities: ChangedEntity[];
}

/**
 * Announces changed entities; call after the write committed and await it before answering,
 * so a client that saw the write's response cannot read the old value from a cache.
 */
export const announceChangedEntities = (pubsub: PubSub, entities: ChangedEntity[]): Promise<void> =>
  pubsub.publish(ENTITY_CHANGED_CHANNEL, { entities } satisfies EntitiesChanged);
