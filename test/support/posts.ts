import { dataOf } from './graphql.js';
import type { TestSupergraph } from './supergraph.js';
import type { TestUser } from './users.js';

/** Creates a post by `who` through the gateway; its id. */
export const createPostBy = async (supergraph: TestSupergraph, who: TestUser, body: string): Promise<string> =>
  dataOf(await supergraph.request<{ createPost: { id: string } }>('mutation ($body: String!) { createPost(body: $body) { id } }', { body }, { token: who.accessToken })).createPost.id;
