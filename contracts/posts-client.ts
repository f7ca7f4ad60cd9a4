import { envOptionalUrl } from '../platform/config/env.js';
import { appError } from '../platform/errors.js';
import type { Logger } from '../platform/observability/logger.js';

/** `POSTS_SUBGRAPH_URL`: where a domain that asks posts finds it; its routing_url by default. */
export const postsUrlEnvSchema = { POSTS_SUBGRAPH_URL: envOptionalUrl(['http:', 'https:']) };
export const postsUrl = (env: { POSTS_SUBGRAPH_URL?: string | undefined }): string => env.POSTS_SUBGRAPH_URL ?? 'http://localhost:4002/graphql';

/** What another domain may ask the posts subgraph about a post: that it exists, and whose it is. */
export interface PostFacts {
  id: string;
  authorId: string;
}

const POST_FACTS = 'query PostFacts($id: ID!) { post(id: $id) { id author { id } } }';

/**
 * Asks the posts subgraph's API (never its database) about a post no event has announced
 * yet: a like or a poll right after `createPost`. Null when there is no such post (or it
 * was deleted). When posts cannot answer, the caller's request fails with an internal
 * error rather than guessing.
 */
export async function askPosts(postsUrl: string, postId: string, logger: Logger): Promise<PostFacts | null> {
  try {
    const response = await fetch(postsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: POST_FACTS, variables: { id: postId } }),
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await response.json()) as { data?: { post: { id: string; author: { id: string } } | null } };
    if (!response.ok || !body.data) throw new Error(`posts answered ${response.status}`);
    return body.data.post && { id: body.data.post.id, authorId: body.data.post.author.id };
  } catch (error) {
    logger.warn('could not ask posts about a post', { error });
    throw appError('INTERNAL_SERVER_ERROR', 'The post could not be checked right now; try again.');
  }
}
