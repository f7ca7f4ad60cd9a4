// What the likes resolvers return for each GraphQL type (codegen mappers, see codegen.ts).
import type { Connection } from '../../platform/pagination.js';

/** A post as likes knows one: its key. The posts subgraph supplies the rest. */
export interface PostReference {
  id: string;
}

/** A user as likes knows one: its key. */
export interface UserReference {
  id: string;
}

export type PostConnectionModel = Connection<PostReference>;

/** `totalCount` is counted only when a client selects it. */
export interface UserConnectionModel extends Connection<UserReference> {
  totalCount: () => Promise<number>;
}

/**
 * The payload of a `postLikesChanged` event: only the entity key. The count is read when
 * the event is executed, so a late event can never show an older count than an early one.
 */
export interface PostLikeStatsModel {
  postId: string;
}

export type { PlatformStatsReference } from '../../contracts/platform-stats.js';
