import { loadLikesConfig } from '../subgraphs/likes/config.js';
import { startLikesSubgraph } from '../subgraphs/likes/subgraph.js';
import { loadPostsConfig } from '../subgraphs/posts/config.js';
import { startPostsSubgraph } from '../subgraphs/posts/subgraph.js';
import type { Env } from '../subgraphs/shared/config.js';
import type { RunningSubgraph } from '../subgraphs/shared/server.js';
import { loadUsersConfig } from '../subgraphs/users/config.js';
import { startUsersSubgraph } from '../subgraphs/users/subgraph.js';

/**
 * How to start each subgraph in this process from an environment: what its `main.ts` does
 * in its own process. The embedded default and the integration tests both use it.
 */
export const SUBGRAPH_STARTERS: Record<string, (env: Env) => Promise<RunningSubgraph>> = {
  users: (env) => startUsersSubgraph(loadUsersConfig(env)),
  posts: (env) => startPostsSubgraph(loadPostsConfig(env)),
  likes: (env) => startLikesSubgraph(loadLikesConfig(env)),
};
