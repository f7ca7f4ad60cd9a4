import { readFileSync } from 'node:fs';
import { readSupergraphConfig } from '../../platform/supergraph-config.js';
import { composeSupergraph } from '../supergraph.js';
import { cachePolicyOf } from './caching.js';

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
