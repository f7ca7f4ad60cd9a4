import { generateSigningKeyPem } from '../platform/auth/signing-key.js';
import { dataOf, errorCodes } from './support/graphql.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';
import { mintAccessToken } from './support/tokens.js';
import { makeAdmin, registerUser } from './support/users.js';
import type { TestUser } from './support/users.js';

interface UserView {
  id: string;
  username: string;
  displayName: string | null;
  bio: string | null;
  email: string | null;
  role: string;
  createdAt: string;
}
const USER_FIELDS = 'id username displayName bio email role createdAt';

let supergraph: TestSupergraph;
let alice: TestUser;
let bob: TestUser;
let admin: TestUser;

beforeAll(async () => {
  supergraph = await startTestSupergraph();
  alice = await registerUser(supergraph, 'alice');
  bob = await registerUser(supergraph, 'bob');
  admin = await registerUser(supergraph, 'admin');
  admin.accessToken = await makeAdmin(supergraph, admin);
});
afterAll(() => supergraph.stop());

const userById = (id: string, token?: string) =>
  supergraph.request<{ user: UserView | null }>(`query ($id: ID!) { user(id: $id) { ${USER_FIELDS} } }`, { id }, { token });

describe('reading users', () => {
  test('me is the signed-in user, and null for anonymous requests', async () => {
    expect(dataOf(await supergraph.request<{ me: UserView }>(`{ me { ${USER_FIELDS} } }`, {}, { token: alice.accessToken })).me).toMatchObject({
      id: alice.id,
      username: alice.username,
      email: alice.email,
      role: 'USER',
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    expect(dataOf(await supergraph.request<{ me: null }>('{ me { id } }')).me).toBeNull();
  });

  test('user(id) finds a user; an unknown or malformed id is null', async () => {
    expect(dataOf(await userById(bob.id)).user?.username).toBe(bob.username);
    expect(dataOf(await userById('01900000-0000-7000-8000-00000000dead')).user).toBeNull();
    expect(dataOf(await userById('not-an-id')).user).toBeNull();
  });

  test('userByUsername ignores case', async () => {
    const found = await supergraph.request<{ userByUsername: { id: string } | null }>('query ($u: String!) { userByUsername(username: $u) { id } }', {
      u: bob.username.toUpperCase(),
    });
    expect(dataOf(found).userByUsername?.id).toBe(bob.id);
  });

  test('email is visible to its owner and to admins, and null for everyone else', async () => {
    expect(dataOf(await userById(alice.id, alice.accessToken)).user?.email).toBe(alice.email);
    expect(dataOf(await userById(alice.id, admin.accessToken)).user?.email).toBe(alice.email);
    expect(dataOf(await userById(alice.id, bob.accessToken)).user?.email).toBeNull();
    expect(dataOf(await userById(alice.id)).user?.email).toBeNull();
  });

  test('a token whose role claim says ADMIN but is not signed by users is refused', async () => {
    const forged = await mintAccessToken(generateSigningKeyPem(), { sub: bob.id, role: 'ADMIN' });
    expect(errorCodes(await userById(alice.id, forged))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('users(search)', () => {
  test('pages newest first with stable cursors and a total count', async () => {
    const prefix = `page_${Date.now().toString(36)}`;
    const made: TestUser[] = [];
    for (let i = 0; i < 5; i += 1) made.push(await registerUser(supergraph, prefix));
    interface Page {
      users: { totalCount: number; edges: Array<{ cursor: string; node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    }
    const page = (after: string | null) =>
      supergraph.request<Page>(
        'query ($s: String, $after: String) { users(search: $s, first: 2, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }',
        { s: prefix, after },
      );
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { users }: Page = dataOf(await page(after));
      expect(users.totalCount).toBe(5);
      seen.push(...users.edges.map((edge) => edge.node.id));
      if (!users.pageInfo.hasNextPage) break;
      after = users.pageInfo.endCursor;
    }
    expect(seen).toEqual(made.map((user) => user.id).reverse());
  });

  test('matches part of the username or display name, in any case', async () => {
    const user = await registerUser(supergraph, 'searchable');
    await supergraph.request('mutation { updateProfile(input: { displayName: "Zebulon Quartz" }) { id } }', {}, { token: user.accessToken });
    const search = async (term: string) =>
      dataOf(await supergraph.request<{ users: { edges: Array<{ node: { id: string } }> } }>('query ($s: String) { users(search: $s) { edges { node { id } } } }', { s: term })).users.edges.map(
        (edge) => edge.node.id,
      );
    expect(await search(user.username.slice(2, 12).toUpperCase())).toContain(user.id);
    expect(await search('bulon quar')).toContain(user.id);
    expect(await search('no user has this text')).toEqual([]);
  });

  test('bad page arguments are BAD_USER_INPUT', async () => {
    for (const query of ['{ users(first: -1) { totalCount } }', '{ users(after: "garbage") { totalCount } }', '{ users(first: 101) { totalCount } }']) {
      expect(errorCodes(await supergraph.request(query))).toEqual(['BAD_USER_INPUT']);
    }
  });
});

describe('updateProfile', () => {
  const update = (token: string | undefined, input: Record<string, unknown>) =>
    supergraph.request<{ updateProfile: UserView }>(`mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { ${USER_FIELDS} } }`, { input }, { token });

  test('sets, keeps and clears fields', async () => {
    const user = await registerUser(supergraph, 'profile');
    expect(dataOf(await update(user.accessToken, { displayName: '  Ada L.  ', bio: 'Line one\nline two' })).updateProfile).toMatchObject({
      displayName: 'Ada L.',
      bio: 'Line one\nline two',
    });
    expect(dataOf(await update(user.accessToken, { bio: 'Only the bio' })).updateProfile).toMatchObject({ displayName: 'Ada L.', bio: 'Only the bio' });
    expect(dataOf(await update(user.accessToken, { displayName: null, bio: '   ' })).updateProfile).toMatchObject({ displayName: null, bio: null });
  });

  test('refuses bad input without writing anything, and anonymous callers', async () => {
    const user = await registerUser(supergraph, 'profbad');
    await update(user.accessToken, { displayName: 'Before' });
    for (const [input, field] of [
      [{ displayName: 'x'.repeat(51), bio: 'fine' }, 'displayName'],
      [{ displayName: 'Two\nlines' }, 'displayName'],
      [{ bio: 'b'.repeat(501) }, 'bio'],
      [{ bio: 'bell\u0007' }, 'bio'],
    ] as const) {
      const result = await update(user.accessToken, input);
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0]?.extensions?.field).toBe(field);
    }
    expect(dataOf(await userById(user.id)).user).toMatchObject({ displayName: 'Before', bio: null });
    expect(errorCodes(await update(undefined, { bio: 'x' }))).toEqual(['UNAUTHENTICATED']);
  });
});
