import { dataOf } from './graphql.js';
import type { TestSupergraph } from './supergraph.js';
import type { TestUser } from './users.js';

/** A browser's user agent: the redirect counts its visits (bots and HEAD are not counted). */
export const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

/** Shortens `url` as `who` (a user, or an access token) through the gateway; the link's id and code. */
export const createLinkBy = async (supergraph: TestSupergraph, who: TestUser | string, url: string): Promise<{ id: string; code: string }> =>
  dataOf(
    await supergraph.request<{ createLink: { id: string; code: string } }>('mutation ($url: String!) { createLink(input: { url: $url }) { id code } }', { url }, {
      token: typeof who === 'string' ? who : who.accessToken,
    }),
  ).createLink;
