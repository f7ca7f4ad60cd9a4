// What the posts resolvers return for each GraphQL type (codegen mappers, see codegen.ts).
import type { Post } from '../../prisma/posts/generated/client.js';
import type { Connection } from '../../platform/pagination.js';

/** A post row; in subscription events that crossed Redis, its dates arrive as ISO strings. */
export type PostModel = Omit<Post, 'createdAt' | 'updatedAt'> & { createdAt: Date | string; updatedAt: Date | string };

export type PostConnectionModel = Connection<PostModel>;

/** A user as posts knows one: the key, and whom they follow when @requires asked for it. */
export interface UserReference {
  id: string;
  followingIds?: string[];
}

export type { PlatformStatsReference } from '../../contracts/platform-stats.js';
