import { readFileSync } from 'node:fs';
import { readSupergraphConfig } from '../platform/supergraph-config.js';
import { composeSupergraph } from './supergraph.js';
import { cachePolicyOf, entityFetchShape, rootFetchIsViewerFree } from './entity-policy.js';

const subgraphs = readSupergraphConfig().map(({ name, schemaFile }) => ({ name, sdl: readFileSync(schemaFile, 'utf8') }));

test("each subgraph's @cached types are read with their TTLs, capped, and with the default where maxAge is omitted", () => {
  const policy = cachePolicyOf(subgraphs, { defaultTtlSeconds: 60, maxTtlSeconds: 86_400 });
  expect(policy.entityTtls.get('users')?.get('User')).toBe(300);
  expect(policy.entityTtls.get('posts')?.get('Post')).toBe(300);
  expect(policy.entityTtls.get('likes')?.get('Post')).toBe(60);
  // posts' User fields (homeTimeline) change without an announcement about that user.
  expect(policy.entityTtls.get('posts')?.has('User')).toBe(false);
  expect(cachePolicyOf(subgraphs, { defaultTtlSeconds: 60, maxTtlSeconds: 5 }).entityTtls.get('users')?.get('User')).toBe(5);
  const bare = cachePolicyOf([{ name: 'a', sdl: 'type T @key(fields: "id") @cached { id: ID! }' }], { defaultTtlSeconds: 42, maxTtlSeconds: 86_400 });
  expect(bare.entityTtls.get('a')?.get('T')).toBe(42);
});

test('fields resolved by a subgraph that does not mark their type are not covered, and @perViewer fields are known', () => {
  const policy = cachePolicyOf(subgraphs, { defaultTtlSeconds: 60, maxTtlSeconds: 86_400 });
  expect(policy.coveredFields.has('Post.likeCount')).toBe(true);
  expect(policy.coveredFields.has('User.displayName')).toBe(true);
  expect(policy.coveredFields.has('Post.poll')).toBe(false);
  expect(policy.coveredFields.has('User.homeTimeline')).toBe(false);
  expect([...policy.perViewerFieldNames]).toEqual(expect.arrayContaining(['likedByViewer', 'email', 'isFollowedByViewer', 'viewerVote']));
});

test('@cached survives composition into the supergraph', () => {
  expect(composeSupergraph(readSupergraphConfig()).supergraphSdl).toMatch(/type Post[^{]*@cached\(maxAge: \d+\)/);
});

describe("an entity fetch's shape", () => {
  const policy = cachePolicyOf(subgraphs, { defaultTtlSeconds: 60, maxTtlSeconds: 86_400 });
  const shapeOf = (query: string, subgraph = 'likes') => entityFetchShape(query, policy, policy.fieldTypes.get(subgraph)!);
  const entities = (selection: string, fragments = '') => `query ($representations: [_Any!]!) { _entities(representations: $representations) { ${selection} } } ${fragments}`;

  test('is per viewer when a @perViewer field is read directly, inline or through a named fragment (nested too)', () => {
    expect(shapeOf(entities('... on Post { likeCount }'))).toMatchObject({ perViewer: false, nested: false });
    expect(shapeOf(entities('... on Post { likeCount likedByViewer }'))).toMatchObject({ perViewer: true });
    expect(shapeOf(entities('... on Post { ...Seen }', 'fragment Seen on Post { likeCount likedByViewer }'))).toMatchObject({ perViewer: true, nested: false });
    expect(shapeOf(entities('...Outer', 'fragment Outer on Post { ...Seen } fragment Seen on Post { ... on Post { likedByViewer } }'))).toMatchObject({ perViewer: true });
  });

  test("reads nested entities' own fields through named fragments too", () => {
    const following = entities('... on User { ...Followers }', 'fragment Followers on User { followers(first: 1) { edges { node { ...Name } } } } fragment Name on User { username }');
    expect(shapeOf(following, 'users')).toMatchObject({ nested: true });
  });

  test('is not an entity fetch for other operations, and not cacheable when a spread names no fragment', () => {
    expect(shapeOf('query { post(id: "1") { id } }')).toBeNull();
    expect(shapeOf(entities('... on Post { ...Missing }'))).toBeNull();
  });
});

test('a root fetch is viewer-free only when each root field is marked @sameForEveryViewer and no field is @perViewer', () => {
  const policy = cachePolicyOf(subgraphs, { defaultTtlSeconds: 60, maxTtlSeconds: 86_400 });
  expect([...policy.viewerFreeRootFields.get('posts')!].sort()).toEqual(['post', 'publicTimeline']);
  expect(rootFetchIsViewerFree('{ publicTimeline { edges { node { id body } } } }', policy, 'posts')).toBe(true);
  expect(rootFetchIsViewerFree('query Q { post(id: "1") { ...Body } } fragment Body on Post { body }', policy, 'posts')).toBe(true);
  expect(rootFetchIsViewerFree('{ publicTimeline { edges { node { id body } } } }', policy, 'likes')).toBe(false);
  expect(rootFetchIsViewerFree('{ user(id: "1") { ...Private } } fragment Private on User { email }', policy, 'users')).toBe(false);
  expect(rootFetchIsViewerFree('{ auditLog { totalCount } }', policy, 'users')).toBe(false);
  expect(rootFetchIsViewerFree('{ ... on Query { user(id: "1") { id } } }', policy, 'users')).toBe(false);
  expect(rootFetchIsViewerFree('mutation { logout(refreshToken: "x") }', policy, 'users')).toBe(false);
  // The planner's own additions and the client's aliases: checked by field name.
  expect(rootFetchIsViewerFree('{ __typename a: user(id: "1") { username } b: user(id: "2") { username } }', policy, 'users')).toBe(true);
  expect(rootFetchIsViewerFree('{ a: user(id: "1") { contact: email } }', policy, 'users')).toBe(false);
  expect(rootFetchIsViewerFree('{ ...Root } fragment Root on Query { user(id: "1") { id } }', policy, 'users')).toBe(false);
  expect(rootFetchIsViewerFree('{ popularPosts { id likedByViewer } }', policy, 'likes')).toBe(false);
  expect(rootFetchIsViewerFree('{ popularPosts { id likeCount } }', policy, 'likes')).toBe(true);
});
