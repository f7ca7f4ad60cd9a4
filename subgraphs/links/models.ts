// What the links resolvers return for each GraphQL type (codegen mappers, see codegen.ts).
import type { Link } from '../../prisma/links/generated/client.js';
import type { Connection } from '../../platform/pagination.js';

/** A link is its row: every field but the stats lists is a column. */
export type LinkModel = Link;

/** A user as links knows one: its key. */
export interface UserReference {
  id: string;
}

export type LinkConnectionModel = Connection<LinkModel>;

/** The payload of a `linkStatsChanged` event: the link's key and its totals once the clicks committed. */
export interface LinkStatsModel {
  linkId: string;
  clicks: number;
  uniqueVisitors: number;
}

export type { PlatformStatsReference } from '../../contracts/platform-stats.js';
