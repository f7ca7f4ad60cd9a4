import { readFileSync } from 'node:fs';
import { buildASTSchema, DangerousChangeType, findBreakingChanges, findDangerousChanges, Kind, parse } from 'graphql';
import type { DefinitionNode, DocumentNode } from 'graphql';
import { composeSupergraph } from '../gateway/supergraph.js';
import { readSupergraphConfig } from '../platform/supergraph-config.js';
import { projectPath } from '../platform/paths.js';

const CONTRACT_PATH = projectPath('contract.graphql');
/** The spec the project's copy must match, when it sits beside the project (CI checks out ../shared). */
const SPEC_PATH = projectPath('..', 'shared', 'contract.graphql');

/** The six domains of the spec (DESIGN.md), whether or not they are built yet. */
const DOMAINS = ['users', 'posts', 'likes', 'polls', 'links', 'courses'] as const;
type Domain = (typeof DOMAINS)[number];

/**
 * Which domain delivers each part of the contract (DESIGN.md, "who owns what"): whole types,
 * and the fields a domain adds to types it does not own. A part is checked once its
 * domain is in supergraph.yaml.
 */
const OWNERSHIP: Record<Domain, { types: string[]; fields: Record<string, string[]> }> = {
  users: {
    types: [
      'DateTime', 'Role', 'PageInfo', 'User', 'UserConnection', 'UserEdge', 'AuthPayload', 'RegisterInput', 'UpdateProfileInput', 'UserStats',
      'PlatformStats', 'AuditEntry', 'AuditEntryConnection', 'AuditEntryEdge',
    ],
    fields: {
      Query: ['me', 'user', 'userByUsername', 'users', 'platformStats', 'auditLog'],
      Mutation: ['register', 'login', 'refreshToken', 'logout', 'updateProfile', 'changePassword', 'follow', 'unfollow', 'setUserRole'],
      Subscription: ['userStatsChanged'],
      PlatformStats: ['users'],
    },
  },
  posts: {
    types: ['Post', 'PostConnection', 'PostEdge'],
    fields: {
      User: ['posts', 'postsCount', 'homeTimeline'],
      Query: ['post', 'publicTimeline'],
      Mutation: ['createPost', 'updatePost', 'deletePost'],
      Subscription: ['postCreated'],
      PlatformStats: ['posts'],
    },
  },
  likes: {
    types: ['PostLikeStats'],
    fields: {
      Post: ['likeCount', 'likedByViewer', 'likers'],
      User: ['likedPosts'],
      Query: ['popularPosts'],
      Mutation: ['likePost', 'unlikePost'],
      Subscription: ['postLikesChanged'],
      PlatformStats: ['likes'],
    },
  },
  polls: {
    types: ['Poll', 'PollOption', 'PollConnection', 'PollEdge', 'CreatePollInput'],
    fields: {
      Post: ['poll'],
      User: ['polls'],
      Query: ['poll', 'polls'],
      Mutation: ['createPoll', 'vote', 'closePoll'],
      Subscription: ['pollResultsChanged'],
      PlatformStats: ['polls', 'votes'],
    },
  },
  links: {
    types: ['Link', 'ClickInterval', 'ClickBucket', 'ReferrerCount', 'LinkConnection', 'LinkEdge', 'CreateLinkInput', 'LinkStats'],
    fields: {
      User: ['links'],
      Query: ['link', 'topLinks'],
      Mutation: ['createLink', 'deleteLink'],
      Subscription: ['linkStatsChanged'],
      PlatformStats: ['links', 'clicks'],
    },
  },
  courses: {
    types: [
      'Course', 'Lesson', 'Enrollment', 'CourseConnection', 'CourseEdge', 'EnrollmentConnection', 'EnrollmentEdge',
      'CreateCourseInput', 'UpdateCourseInput', 'LessonInput', 'CourseAnalytics', 'LessonCompletion', 'CourseStats',
      'Quiz', 'QuizQuestion', 'QuizAttempt', 'QuizQuestionInput', 'QuizInput',
    ],
    fields: {
      User: ['enrollments', 'coursesTaught'],
      Query: ['course', 'courses', 'popularCourses', 'courseAnalytics'],
      Mutation: ['createCourse', 'updateCourse', 'addLesson', 'setLessonQuiz', 'publishCourse', 'enroll', 'unenroll', 'completeLesson', 'submitQuiz'],
      Subscription: ['courseStatsChanged'],
      PlatformStats: ['courses', 'enrollments'],
    },
  },
};

/**
 * Parts whose domain is built but which are not yet (none since issue 13). A test fails
 * once one of them is in the composed schema, so this list only ever shrinks.
 */
const NOT_YET_BUILT = new Set<string>();
const ROOTS = new Set(['Query', 'Mutation', 'Subscription']);

const contract = parse(readFileSync(CONTRACT_PATH, 'utf8'));

const ownerOfField = (type: string, field: string): Domain | undefined =>
  DOMAINS.find((domain) => OWNERSHIP[domain].fields[type]?.includes(field));
const ownerOfType = (type: string): Domain | undefined => DOMAINS.find((domain) => OWNERSHIP[domain].types.includes(type));

/** The contract cut down to what the given domains deliver. */
function deliveredPart(document: DocumentNode, present: ReadonlySet<string>, pending: ReadonlySet<string> = NOT_YET_BUILT): DocumentNode {
  const definitions: DefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name) continue;
    const type = definition.name.value;
    if (!ROOTS.has(type) && !present.has(ownerOfType(type) ?? '')) continue;
    if (pending.has(type)) continue;
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) {
      definitions.push(definition);
      continue;
    }
    const fields = (definition.fields ?? []).filter((field) => {
      const owner = ownerOfField(type, field.name.value) ?? (ROOTS.has(type) ? undefined : ownerOfType(type));
      return owner !== undefined && present.has(owner) && !pending.has(`${type}.${field.name.value}`);
    });
    if (fields.length > 0) definitions.push({ ...definition, fields });
  }
  return { kind: Kind.DOCUMENT, definitions };
}

test('the project keeps an exact copy of the contract (the spec sits beside the project, as in CI)', () => {
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

test('parts listed as not yet built are really not in the composed schema', () => {
  const { apiSchema } = composeSupergraph(readSupergraphConfig());
  const present = [...NOT_YET_BUILT].filter((part) => {
    const [type, field] = part.split('.') as [string, string | undefined];
    const found = apiSchema.getType(type);
    return field === undefined ? found !== undefined : found !== undefined && 'getFields' in found && field in found.getFields();
  });
  expect(present).toEqual([]);
});

test('with every domain in and everything built, the delivered part is the whole contract', () => {
  const whole = deliveredPart(contract, new Set(DOMAINS), new Set());
  const shape = (document: DocumentNode) =>
    document.definitions.map((definition) => [
      'name' in definition ? definition.name?.value : definition.kind,
      'fields' in definition ? (definition.fields ?? []).length : 0,
    ]);
  expect(shape(whole)).toEqual(shape(contract));
});
