import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEmbeddedConfig } from '../embedded/config.js';
import { startEmbedded } from '../embedded/start.js';
import type { RunningSupergraph } from '../embedded/start.js';
import { DEMO_PASSWORD } from '../contracts/demo.js';
import { dataOf, graphql } from './support/graphql.js';
import { eventually } from './support/eventually.js';
import { learningJourney } from './courses-flow.js';

// Courses in the `npm start` code path: PGlite, in-process pub/sub, the demo data.
const dataDir = mkdtempSync(join(tmpdir(), 'supergraph-courses-embedded-'));
let supergraph: RunningSupergraph;
beforeAll(async () => {
  supergraph = await startEmbedded(loadEmbeddedConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error' }));
}, 120_000);
afterAll(async () => {
  await supergraph.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const login = async (username: string): Promise<string> =>
  dataOf(await graphql<{ login: { accessToken: string } }>(supergraph.gatewayUrl, 'mutation ($u: String!, $p: String!) { login(usernameOrEmail: $u, password: $p) { accessToken } }', { u: username, p: DEMO_PASSWORD })).login.accessToken;

test('seeds a published course with lessons and a quiz, learners at different progress, and a draft', async () => {
  type Course = { title: string; published: boolean; instructor: { username: string }; enrollmentsCount: number; completionRate: number; lessons: Array<{ position: number; quiz: { questions: unknown[] } | null }> };
  const { popularCourses, courses } = dataOf(
    await graphql<{ popularCourses: Course[]; courses: { edges: Array<{ node: { title: string } }> } }>(
      supergraph.gatewayUrl,
      '{ popularCourses { title published instructor { username } enrollmentsCount completionRate lessons { position quiz { questions { prompt } } } } courses { edges { node { title } } } }',
    ),
  );
  expect(popularCourses).toHaveLength(1);
  expect(popularCourses[0]).toMatchObject({ instructor: { username: 'grace' }, published: true, enrollmentsCount: 3 });
  expect(popularCourses[0]?.completionRate).toBeCloseTo(1 / 3);
  expect(popularCourses[0]?.lessons.map((lesson) => [lesson.position, lesson.quiz?.questions.length ?? 0])).toEqual([[1, 0], [2, 0], [3, 3]]);
  expect(courses.edges).toHaveLength(1);

  const alan = await login('alan');
  const own = dataOf(await graphql<{ courses: { edges: Array<{ node: { published: boolean } }> } }>(supergraph.gatewayUrl, '{ courses { edges { node { published } } } }', {}, { token: alan })).courses.edges;
  expect(own.map((edge) => edge.node.published).sort()).toEqual([false, true]);
  const progress = dataOf(await graphql<{ me: { enrollments: { edges: Array<{ node: { progress: number; completedAt: string | null } }> } } }>(supergraph.gatewayUrl, '{ me { enrollments { edges { node { progress completedAt } } } } }', {}, { token: alan })).me.enrollments.edges;
  expect(progress).toEqual([{ node: { progress: 1, completedAt: expect.any(String) } }]);

  const analytics = dataOf(
    await graphql<{ courseAnalytics: { atRiskLearners: number; averageQuizScore: number; lessonCompletion: Array<{ completedCount: number }> } }>(
      supergraph.gatewayUrl,
      'query ($id: ID!) { courseAnalytics(courseId: $id) { atRiskLearners averageQuizScore lessonCompletion { completedCount } } }',
      { id: '01930000-0000-7000-8000-000000000001' },
      { token: await login('grace') },
    ),
  ).courseAnalytics;
  expect(analytics).toMatchObject({ atRiskLearners: 1, lessonCompletion: [{ completedCount: 2 }, { completedCount: 1 }, { completedCount: 1 }] });
  expect(analytics.averageQuizScore).toBeCloseTo(2 / 3);
});

test('an instructor authors a course with a quiz, a learner completes it, the instructor reads analytics, a subscriber sees each step', async () => {
  await learningJourney({
    gatewayUrl: supergraph.gatewayUrl,
    request: (query, variables, token) => graphql(supergraph.gatewayUrl, query, variables, { token }),
    instructor: { token: await login('katherine'), username: 'katherine' },
    learner: { token: await login('linus') },
    subscribed: () => eventually(() => supergraph.subgraphs['courses']!.subscriptions.active > 0, 10_000, 'the upstream subscription'),
  });
}, 60_000);
