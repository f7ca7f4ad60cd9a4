// What the polls resolvers return for each GraphQL type (codegen mappers, see the manifest).
import type { Connection } from '../../platform/pagination.js';

/** A poll row. Its options, counts and the viewer's vote come from per-request loaders. */
export interface PollModel {
  id: string;
  authorId: string;
  postId: string | null;
  question: string;
  closesAt: Date | null;
  closedAt: Date | null;
  createdAt: Date;
}

/** An option with its maintained counter and its share of its poll's votes. */
export interface PollOptionModel {
  id: string;
  pollId: string;
  text: string;
  votes: number;
  percentage: number;
}

export type PollConnectionModel = Connection<PollModel>;

/** A post as polls knows one: its key. The posts subgraph supplies the rest. */
export interface PostReference {
  id: string;
}

/** A user as polls knows one: its key. */
export interface UserReference {
  id: string;
}

/**
 * The payload of a `pollResultsChanged` event: only the poll's key. The results are read
 * when the event is executed, so a late event never shows older counts than an early one.
 */
export interface PollResultsEvent {
  pollId: string;
}

export type { PlatformStatsReference } from '../../contracts/platform-stats.js';
