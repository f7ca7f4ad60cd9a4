import { existsSync, readFileSync } from 'node:fs';
import { buildASTSchema, DangerousChangeType, findBreakingChanges, findDangerousChanges, Kind, parse } from 'graphql';
import type { DefinitionNode, DocumentNode } from 'graphql';
import { composeSupergraph, readSupergraphConfig } from '../gateway/supergraph.js';
import { DOMAINS } from '../subgraphs/shared/config.js';
import type { Domain } from '../subgraphs/shared/config.js';
import { projectPath } from '../subgraphs/shared/paths.js';

const CONTRACT_PATH = projectPath('contract.graphql');
/** The spec the project's copy must match, when it sits beside the project (CI checks out ../shared). */
const SPEC_PATH = projectPath('..', 'shared', 'contract.graphql');

/**
 * Which domain delivers each part of the contract (DESIGN.md, "who owns what"): whole types,
 * and the fields a domain adds to types it does not own. A part is checked once its
 * domain is in supergraph.yaml.
 */
const OWNERSHIP: Record<Domain, { types: string[]; fields: Record<string, string[]> }> = {
  users: {
    types: ['DateTime', 'Role', 'PageInfo', 'User', 'UserConnection', 'UserEdge', 'AuthPayload', 'RegisterInput', 'UpdateProfileInput', 'UserStats'],
    fields: {
      Query: ['me', 'user', 'userByUsername', 'users'],
      Mutation: ['register', 'login', 'refreshToken', 'logout', 'updateProfile', 'changePassword', 'follow', 'unfollow'],
      Subscription: ['userStatsChanged'],
    },
  },
  posts: {
    types: ['Post', 'PostConnection', 'PostEdge'],
    fields: { User: ['posts', 'postsCount', 'homeTimeline'], Query: ['post', 'publicTimeline'], Mutation: ['createPost', 'updatePost', 'deletePost'], Subscription: ['postCreated'] },
  },
  likes: {
    types: ['PostLikeStats'],
    fields: { Post: ['likeCount', 'likedByViewer', 'likers'], User: ['likedPosts'], Query: ['popularPosts'], Mutation: ['likePost', 'unlikePost'], Subscription: ['postLikesChanged'] },
  },
  polls: {
    types: ['Poll', 'PollOption', 'PollConnection', 'PollEdge', 'CreatePollInput'],
    fields: { Post: ['poll'], User: ['polls'], Query: ['poll', 'polls'], Mutation: ['createPoll', 'vote', 'closePoll'], Subscription: ['pollResultsChanged'] },
  },
  links: {
    types: ['Link', 'ClickInterval', 'ClickBucket', 'LinkConnection', 'LinkEdge', 'CreateLinkInput', 'LinkStats'],
    fields: { User: ['links'], Query: ['link', 'topLinks'], Mutation: ['createLink', 'deleteLink'], Subscription: ['linkStatsChanged'] },
  },
  courses: {
    types: [
      'Course', 'Lesson', 'Enrollment', 'CourseConnection', 'CourseEdge', 'EnrollmentConnection', 'EnrollmentEdge',
      'CreateCourseInput', 'UpdateCourseInput', 'LessonInput', 'CourseAnalytics', 'LessonCompletion', 'CourseStats',
    ],
    fields: {
      User: ['enrollments', 'coursesTaught'],
      Query: ['course', 'courses', 'popularCourses', 'courseAnalytics'],
      Mutation: ['createCourse', 'updateCourse', 'addLesson', 'publishCourse', 'enroll', 'unenroll', 'completeLesson'],
      Subscription: ['courseStatsChanged'],
    },
  },
};
const ROOTS = new Set(['Query', 'Mutation', 'Subscription']);

const contract = parse(readFileSync(CONTRACT_PATH, 'utf8'));

const ownerOfField = (type: string, field: string): Domain | undefined =>
  DOMAINS.find((domain) => OWNERSHIP[domain].fields[type]?.includes(field));
const ownerOfType = (type: string): Domain | undefined => DOMAINS.find((domain) => OWNERSHIP[domain].types.includes(type));

/** The contract cut down to what the given domains deliver. */
function deliveredPart(document: DocumentNode, present: ReadonlySet<string>): DocumentNode {
  const definitions: DefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name) continue;
    const type = definition.name.value;
    if (!ROOTS.has(type) && !present.has(ownerOfType(type) ?? '')) continue;
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) {
      definitions.push(definition);
      continue;
    }
    const fields = (definition.fields ?? []).filter((field) => {
      const owner = ownerOfField(type, field.name.value) ?? (ROOTS.has(type) ? undefined : ownerOfType(type));
      return owner !== undefined && present.has(owner);
    });
    if (fields.length > 0) definitions.push({ ...definition, fields });
  }
  return { kind: Kind.DOCUMENT, definitions };
}

test('the project keeps an exact copy of the contract', () => {
  if (!existsSync(SPEC_PATH)) return;
  expect(readFileSync(CONTRACT_PATH, 'utf8')).toBe(readFileSync(SPEC_PATH, 'utf8'));
});

test('every part of the contract belongs to exactly one domain', () => {
  for (const definition of contract.definitions) {
    if (!('name' in definition) || !definition.name) continue;
    const type = definition.name.value;
    const typeOwners = DOMAINS.filter((domain) => OWNERSHIP[domain].types.includes(type));
    if (ROOTS.has(type)) expect(typeOwners).toEqual([]);
    else expect([type, typeOwners.length]).toEqual([type, 1]);
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION || !ROOTS.has(type)) continue;
    for (const field of definition.fields ?? []) {
      const owners = DOMAINS.filter((domain) => OWNERSHIP[domain].fields[type]?.includes(field.name.value));
      expect([`${type}.${field.name.value}`, owners.length]).toEqual([`${type}.${field.name.value}`, 1]);
    }
  }
});

test('the composed API schema contains the delivered part of the contract unchanged', () => {
  const { apiSchema } = composeSupergraph(readSupergraphConfig());
  const expected = buildASTSchema(deliveredPart(contract, new Set(readSupergraphConfig().map(({ name }) => name))));
  expect(findBreakingChanges(expected, apiSchema)).toEqual([]);
  // Defaults are part of the contract too; other "dangerous" changes are additions, which are allowed.
  expect(findDangerousChanges(expected, apiSchema).filter((change) => change.type === DangerousChangeType.ARG_DEFAULT_VALUE_CHANGE)).toEqual([]);
});

test('with every domain in, the delivered part is the whole contract', () => {
  const whole = deliveredPart(contract, new Set(DOMAINS));
  const shape = (document: DocumentNode) =>
    document.definitions.map((definition) => [
      'name' in definition ? definition.name?.value : definition.kind,
      'fields' in definition ? (definition.fields ?? []).length : 0,
    ]);
  expect(shape(whole)).toEqual(shape(contract));
});
