import { randomUUID } from 'node:crypto';
import { sql } from './support/databases.js';
import { dataOf, errorCodes } from './support/graphql.js';
import type { GraphQLResult } from './support/graphql.js';
import { channelSubscribers } from './support/redis.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';
import { makeAdmin, quickAccounts, registerUser } from './support/users.js';
import type { TestUser } from './support/users.js';
import { openSocket } from './support/ws.js';
import { eventually } from './support/eventually.js';
import { learningJourney } from './support/courses-flow.js';

let supergraph: TestSupergraph;
beforeAll(async () => {
  // Writes of one course are serialised on its row (see subgraphs/courses/access.ts): the
  // concurrency tests queue 160 of them, which under a loaded CI machine can outlast the
  // gateway's default 10 s subgraph deadline without anything being wrong.
  supergraph = await startTestSupergraph({ gatewayEnv: { SUBGRAPH_TIMEOUT_MS: '30000' } });
}, 60_000);
afterAll(() => supergraph.stop());

/** Someone who calls the API: a registered user, or a bare token (learners nobody looks up). */
type Caller = TestUser | { accessToken: string } | undefined;
const call = <T = Record<string, unknown>>(who: Caller, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>> =>
  supergraph.request<T>(query, variables, { token: who?.accessToken });
const coursesDb = (text: string, values: unknown[] = []) => sql<Record<string, unknown>>(supergraph.databaseUrls['courses']!, text, values);
const learnerToken = async (): Promise<{ id: string; accessToken: string }> => (await quickAccounts(supergraph, 1))[0]!;

const QUIZ = { passingScore: 0.5, questions: [{ prompt: 'Two plus two?', choices: ['3', '4', '5'], correctChoice: 1 }, { prompt: 'Capital of France?', choices: ['Paris', 'Rome'], correctChoice: 0 }] };

const createCourse = async (who: Caller, title = 'A course', description = 'About things') =>
  dataOf(await call<{ createCourse: { id: string } }>(who, 'mutation ($input: CreateCourseInput!) { createCourse(input: $input) { id } }', { input: { title, description } })).createCourse.id;
const addLesson = (who: Caller, courseId: string, input: Record<string, unknown> = { title: 'Lesson', content: 'Read this' }) =>
  call<{ addLesson: { id: string; position: number } }>(who, 'mutation ($id: ID!, $input: LessonInput!) { addLesson(courseId: $id, input: $input) { id position } }', { id: courseId, input });
const lessonId = async (who: Caller, courseId: string, input?: Record<string, unknown>) => dataOf(await addLesson(who, courseId, input)).addLesson.id;
const setQuiz = (who: Caller, lesson: string, input: unknown = QUIZ) =>
  call<{ setLessonQuiz: { id: string; quiz: { id: string; passingScore: number; questions: Array<{ prompt: string; choices: string[] }> } } }>(
    who,
    'mutation ($id: ID!, $input: QuizInput!) { setLessonQuiz(lessonId: $id, input: $input) { id quiz { id passingScore questions { prompt choices } } } }',
    { id: lesson, input },
  );
const publish = (who: Caller, courseId: string) => call<{ publishCourse: { published: boolean } }>(who, 'mutation ($id: ID!) { publishCourse(id: $id) { published } }', { id: courseId });
const ENROLLMENT = 'id progress completedAt completedLessons { id position } course { id }';
type EnrollmentView = { id: string; progress: number; completedAt: string | null; completedLessons: Array<{ id: string; position: number }>; course: { id: string } };
const enroll = (who: Caller, courseId: string) => call<{ enroll: EnrollmentView }>(who, `mutation ($id: ID!) { enroll(courseId: $id) { ${ENROLLMENT} } }`, { id: courseId });
const unenroll = (who: Caller, courseId: string) => call<{ unenroll: boolean }>(who, 'mutation ($id: ID!) { unenroll(courseId: $id) }', { id: courseId });
const completeLesson = (who: Caller, lesson: string) => call<{ completeLesson: EnrollmentView }>(who, `mutation ($id: ID!) { completeLesson(lessonId: $id) { ${ENROLLMENT} } }`, { id: lesson });
const submitQuiz = (who: Caller, lesson: string, answers: number[]) =>
  call<{ submitQuiz: { id: string; score: number; passed: boolean; submittedAt: string } }>(who, 'mutation ($id: ID!, $answers: [Int!]!) { submitQuiz(lessonId: $id, answers: $answers) { id score passed submittedAt } }', { id: lesson, answers });
const courseStats = async (courseId: string) =>
  dataOf(await call<{ course: { enrollmentsCount: number; completionRate: number } }>(undefined, 'query ($id: ID!) { course(id: $id) { enrollmentsCount completionRate } }', { id: courseId })).course;

/** A published course of `lessons` plain lessons by `instructor`; the lessons' ids in order. */
async function publishedCourse(instructor: Caller, lessons = 2, title = 'Published course'): Promise<{ courseId: string; lessons: string[] }> {
  const courseId = await createCourse(instructor, title);
  const ids: string[] = [];
  for (let i = 0; i < lessons; i += 1) ids.push(await lessonId(instructor, courseId, { title: `Lesson ${i + 1}`, content: 'text' }));
  dataOf(await publish(instructor, courseId));
  return { courseId, lessons: ids };
}

let instructor: TestUser;
let learner: TestUser;
let stranger: TestUser;
let adminToken: string;
beforeAll(async () => {
  [instructor, learner, stranger] = [await registerUser(supergraph, 'teacher'), await registerUser(supergraph, 'learner'), await registerUser(supergraph, 'stranger')];
  const admin = await registerUser(supergraph, 'boss');
  adminToken = await makeAdmin(supergraph, admin);
}, 60_000);

describe('authoring', () => {
  test('the creator is the instructor: lessons go to positions 1, 2, 3, and only they may author', async () => {
    const created = dataOf(
      await call<{ createCourse: { title: string; description: string; published: boolean; instructor: { username: string }; lessons: unknown[]; enrollmentsCount: number; completionRate: number } }>(
        instructor,
        'mutation { createCourse(input: { title: "  Rust for cooks  ", description: "" }) { title description published instructor { username } lessons { id } enrollmentsCount completionRate } }',
      ),
    ).createCourse;
    expect(created).toEqual({ title: 'Rust for cooks', description: '', published: false, instructor: { username: instructor.username }, lessons: [], enrollmentsCount: 0, completionRate: 0 });

    const courseId = await createCourse(instructor, 'Positions');
    const positions = [];
    for (const title of ['one', 'two', 'three']) positions.push(dataOf(await addLesson(instructor, courseId, { title, content: '', durationMinutes: 5 })).addLesson.position);
    expect(positions).toEqual([1, 2, 3]);

    const updated = await call<{ updateCourse: { title: string; description: string } }>(instructor, 'mutation ($id: ID!) { updateCourse(id: $id, input: { description: "New words" }) { title description } }', { id: courseId });
    expect(dataOf(updated).updateCourse).toEqual({ title: 'Positions', description: 'New words' });

    // Admins read drafts and analytics but do not author someone else's course.
    for (const who of [stranger, { accessToken: adminToken }]) {
      const expected = who === stranger ? 'NOT_FOUND' : 'FORBIDDEN';
      expect(errorCodes(await call(who, 'mutation ($id: ID!) { updateCourse(id: $id, input: { title: "Mine" }) { id } }', { id: courseId }))).toEqual([expected]);
      expect(errorCodes(await addLesson(who, courseId))).toEqual([expected]);
      expect(errorCodes(await publish(who, courseId))).toEqual([expected]);
    }
    dataOf(await publish(instructor, courseId));
    const lesson = await lessonId(instructor, courseId);
    for (const who of [stranger, learner, { accessToken: adminToken }]) {
      expect(errorCodes(await call(who, 'mutation ($id: ID!) { updateCourse(id: $id, input: { title: "Mine" }) { id } }', { id: courseId }))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await addLesson(who, courseId))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await setQuiz(who, lesson))).toEqual(['FORBIDDEN']);
    }
    expect(errorCodes(await call(undefined, 'mutation { createCourse(input: { title: "x", description: "" }) { id } }'))).toEqual(['UNAUTHENTICATED']);
    const rows = await coursesDb('SELECT title, lessons_count FROM courses WHERE id = $1', [courseId]);
    expect(rows).toEqual([{ title: 'Positions', lessons_count: 4 }]);
  });

  test('bad input is BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const before = await coursesDb('SELECT (SELECT count(*) FROM courses)::int AS courses, (SELECT count(*) FROM lessons)::int AS lessons, (SELECT count(*) FROM quizzes)::int AS quizzes');
    const fieldOf = (result: GraphQLResult<unknown>) => result.errors?.map((error) => [error.extensions?.code, error.extensions?.field]);
    const create = (input: unknown) => call(instructor, 'mutation ($input: CreateCourseInput!) { createCourse(input: $input) { id } }', { input });
    expect(fieldOf(await create({ title: '', description: '' }))).toEqual([['BAD_USER_INPUT', 'title']]);
    expect(fieldOf(await create({ title: 't'.repeat(201), description: '' }))).toEqual([['BAD_USER_INPUT', 'title']]);
    expect(fieldOf(await create({ title: 'ok', description: 'd'.repeat(5_001) }))).toEqual([['BAD_USER_INPUT', 'description']]);

    const courseId = await createCourse(instructor, 'Strict');
    const after = await coursesDb('SELECT count(*)::int AS n FROM courses');
    expect(after[0]!['n']).toBe((before[0]!['courses'] as number) + 1);
    expect(fieldOf(await addLesson(instructor, courseId, { title: 'x', content: 'c'.repeat(100_001) }))).toEqual([['BAD_USER_INPUT', 'content']]);
    expect(fieldOf(await addLesson(instructor, courseId, { title: 'x', content: '', durationMinutes: 1_441 }))).toEqual([['BAD_USER_INPUT', 'durationMinutes']]);
    expect(fieldOf(await addLesson(instructor, courseId, { title: 'x', content: '', durationMinutes: 0 }))).toEqual([['BAD_USER_INPUT', 'durationMinutes']]);
    expect(fieldOf(await addLesson(instructor, 'nope'))).toEqual([['BAD_USER_INPUT', 'courseId']]);
    expect(errorCodes(await addLesson(instructor, randomUUID()))).toEqual(['NOT_FOUND']);
    expect(fieldOf(await publish(instructor, courseId))).toEqual([['BAD_USER_INPUT', 'id']]);

    const lesson = await lessonId(instructor, courseId);
    const question = { prompt: 'Q', choices: ['a', 'b'], correctChoice: 0 };
    const quizField = async (input: unknown) => fieldOf(await setQuiz(instructor, lesson, input));
    expect(await quizField({ questions: [], passingScore: 0.5 })).toEqual([['BAD_USER_INPUT', 'questions']]);
    expect(await quizField({ questions: Array.from({ length: 51 }, () => question), passingScore: 0.5 })).toEqual([['BAD_USER_INPUT', 'questions']]);
    expect(await quizField({ questions: [question, { ...question, choices: ['a', 'a'] }], passingScore: 0.5 })).toEqual([['BAD_USER_INPUT', 'questions.1.choices']]);
    expect(await quizField({ questions: [{ ...question, choices: ['a'] }], passingScore: 0.5 })).toEqual([['BAD_USER_INPUT', 'questions.0.choices']]);
    expect(await quizField({ questions: [{ ...question, choices: ['1', '2', '3', '4', '5', '6', '7'] }], passingScore: 0.5 })).toEqual([['BAD_USER_INPUT', 'questions.0.choices']]);
    expect(await quizField({ questions: [{ ...question, correctChoice: 2 }], passingScore: 0.5 })).toEqual([['BAD_USER_INPUT', 'questions.0.correctChoice']]);
    expect(await quizField({ questions: [question], passingScore: 1.5 })).toEqual([['BAD_USER_INPUT', 'passingScore']]);
    expect(errorCodes(await setQuiz(instructor, randomUUID()))).toEqual(['NOT_FOUND']);
    expect(await coursesDb('SELECT count(*)::int AS n FROM quizzes q JOIN lessons l ON l.id = q.lesson_id WHERE l.course_id = $1', [courseId])).toEqual([{ n: 0 }]);
    expect(await coursesDb('SELECT published FROM courses WHERE id = $1', [courseId])).toEqual([{ published: false }]);
  });

  test('setLessonQuiz replaces the quiz, and no field ever exposes the correct choices', async () => {
    const courseId = await createCourse(instructor, 'Quizzed');
    const lesson = await lessonId(instructor, courseId);
    const first = dataOf(await setQuiz(instructor, lesson)).setLessonQuiz.quiz;
    expect(first).toMatchObject({ passingScore: 0.5, questions: [{ prompt: 'Two plus two?', choices: ['3', '4', '5'] }, { prompt: 'Capital of France?', choices: ['Paris', 'Rome'] }] });
    const second = dataOf(await setQuiz(instructor, lesson, { passingScore: 1, questions: [{ prompt: 'Only one', choices: ['x', 'y'], correctChoice: 1 }] })).setLessonQuiz.quiz;
    expect(second.id).not.toBe(first.id);
    expect(second.questions).toEqual([{ prompt: 'Only one', choices: ['x', 'y'] }]);
    expect(await coursesDb('SELECT count(*)::int AS n FROM quiz_questions q JOIN quizzes z ON z.id = q.quiz_id WHERE z.lesson_id = $1', [lesson])).toEqual([{ n: 1 }]);

    const types = dataOf(
      await call<{ __schema: { types: Array<{ name: string; fields: Array<{ name: string }> | null }> } }>(undefined, '{ __schema { types { name fields { name } } } }'),
    ).__schema.types;
    expect(types.find((type) => type.name === 'QuizQuestion')?.fields?.map((field) => field.name).sort()).toEqual(['choices', 'id', 'prompt']);
    expect(types.flatMap((type) => type.fields ?? []).filter((field) => /correct/i.test(field.name))).toEqual([]);
    // Asking for it anyway is a validation error, never the answer.
    expect(errorCodes(await call(instructor, 'query ($id: ID!) { course(id: $id) { lessons { quiz { questions { correctChoice } } } } }', { id: courseId }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('reading', () => {
  test('drafts are seen only by their instructor and admins; courses() lists published ones and the viewer\'s own drafts', async () => {
    const draft = await createCourse(instructor, 'Secret draft');
    const { courseId: open } = await publishedCourse(instructor, 1, 'Open course');
    const read = async (who: Caller, id: string) => dataOf(await call<{ course: { title: string } | null }>(who, 'query ($id: ID!) { course(id: $id) { title } }', { id })).course;
    expect(await read(instructor, draft)).toEqual({ title: 'Secret draft' });
    expect(await read({ accessToken: adminToken }, draft)).toEqual({ title: 'Secret draft' });
    expect(await read(stranger, draft)).toBeNull();
    expect(await read(undefined, draft)).toBeNull();
    expect(await read(undefined, open)).toEqual({ title: 'Open course' });
    expect(await read(undefined, 'not-an-id')).toBeNull();

    const list = async (who: Caller) =>
      dataOf(await call<{ courses: { edges: Array<{ node: { id: string } }> } }>(who, '{ courses(first: 100) { edges { node { id } } } }')).courses.edges.map((edge) => edge.node.id);
    expect(await list(instructor)).toEqual(expect.arrayContaining([draft, open]));
    expect(await list(stranger)).toContain(open);
    expect(await list(stranger)).not.toContain(draft);
    expect(await list(undefined)).not.toContain(draft);

    const taught = async (who: Caller) =>
      dataOf(await call<{ user: { coursesTaught: { edges: Array<{ node: { id: string } }> } } }>(who, 'query ($id: ID!) { user(id: $id) { coursesTaught(first: 100) { edges { node { id } } } } }', { id: instructor.id }))
        .user.coursesTaught.edges.map((edge) => edge.node.id);
    expect(await taught(instructor)).toEqual(expect.arrayContaining([draft, open]));
    expect(await taught(stranger)).toContain(open);
    expect(await taught(stranger)).not.toContain(draft);
  });

  test('search matches part of the title in any case, with % and _ as plain characters', async () => {
    const tag = randomUUID().slice(0, 8);
    const titles = [`${tag} 100% Cotton`, `${tag} 1000 Cotton`, `${tag} snake_case`, `${tag} snakeXcase`, `${tag} BACK\\SLASH`];
    const ids = new Map<string, string>();
    for (const title of titles) ids.set(title, (await publishedCourse(instructor, 1, title)).courseId);
    const search = async (term: string) =>
      dataOf(await call<{ courses: { edges: Array<{ node: { title: string } }> } }>(undefined, 'query ($s: String) { courses(search: $s, first: 100) { edges { node { title } } } }', { s: term }))
        .courses.edges.map((edge) => edge.node.title)
        .filter((title) => title.startsWith(tag))
        .sort();
    expect(await search(`${tag} 100%`)).toEqual([`${tag} 100% Cotton`]);
    expect(await search('0% COTTON')).toEqual([`${tag} 100% Cotton`]);
    expect(await search('snake_case')).toEqual([`${tag} snake_case`]);
    expect(await search(`${tag.toUpperCase()} SNAKE`)).toEqual([`${tag} snakeXcase`, `${tag} snake_case`].sort());
    expect(await search('back\\slash')).toEqual([`${tag} BACK\\SLASH`]);
    expect(await search('%')).toEqual([`${tag} 100% Cotton`]);
    expect(await search('_')).toEqual([`${tag} snake_case`]);
    expect(errorCodes(await call(undefined, '{ courses(first: 101) { edges { cursor } } }'))).toEqual(['BAD_USER_INPUT']);
  });

  test('pages newest first with cursors', async () => {
    const tag = randomUUID().slice(0, 8);
    const made: string[] = [];
    for (let i = 0; i < 3; i += 1) made.push((await publishedCourse(instructor, 1, `${tag} page ${i}`)).courseId);
    type Page = { courses: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const query = 'query ($s: String, $after: String) { courses(search: $s, first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }';
    const first = dataOf(await call<Page>(undefined, query, { s: tag })).courses;
    expect(first.edges.map((edge) => edge.node.id)).toEqual([made[2], made[1]]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = dataOf(await call<Page>(undefined, query, { s: tag, after: first.pageInfo.endCursor })).courses;
    expect(second.edges.map((edge) => edge.node.id)).toEqual([made[0]]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(errorCodes(await call(undefined, query, { s: tag, after: 'garbage' }))).toEqual(['BAD_USER_INPUT']);
  });

  test('popularCourses ranks published courses by enrolments, newer first on ties', async () => {
    // Fresh counters far above anything else in this database, so the top of the list is ours.
    const [gold, silver, bronze] = [await publishedCourse(instructor, 1, 'gold'), await publishedCourse(instructor, 1, 'silver'), await publishedCourse(instructor, 1, 'bronze')];
    const draft = await createCourse(instructor, 'draft');
    await coursesDb('UPDATE courses SET enrollments_count = 1000 WHERE id = ANY($1::uuid[])', [[draft]]);
    await coursesDb('UPDATE courses SET enrollments_count = 900 WHERE id = $1', [gold.courseId]);
    await coursesDb('UPDATE courses SET enrollments_count = 800 WHERE id = ANY($1::uuid[])', [[silver.courseId, bronze.courseId]]);
    const popular = dataOf(await call<{ popularCourses: Array<{ id: string; enrollmentsCount: number; instructor: { username: string } }> }>(undefined, '{ popularCourses(first: 3) { id enrollmentsCount instructor { username } } }')).popularCourses;
    expect(popular).toEqual([
      { id: gold.courseId, enrollmentsCount: 900, instructor: { username: instructor.username } },
      { id: bronze.courseId, enrollmentsCount: 800, instructor: { username: instructor.username } },
      { id: silver.courseId, enrollmentsCount: 800, instructor: { username: instructor.username } },
    ]);
    await coursesDb('UPDATE courses SET enrollments_count = 0 WHERE id = ANY($1::uuid[])', [[draft, gold.courseId, silver.courseId, bronze.courseId]]);
    expect(errorCodes(await call(undefined, '{ popularCourses(first: 101) { id } }'))).toEqual(['BAD_USER_INPUT']);
    expect(dataOf(await call<{ popularCourses: unknown[] }>(undefined, '{ popularCourses(first: 0) { id } }')).popularCourses).toEqual([]);
  });
});

describe('learning', () => {
  test('enrol, complete lessons, fail then pass the quiz: progress, completion and the best attempt', async () => {
    const courseId = await createCourse(instructor, 'Full path');
    const [one, two] = [await lessonId(instructor, courseId), await lessonId(instructor, courseId)];
    const quizLesson = await lessonId(instructor, courseId);
    dataOf(await setQuiz(instructor, quizLesson));
    expect(errorCodes(await enroll(learner, courseId))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await enroll(instructor, courseId))).toEqual(['BAD_USER_INPUT']);
    dataOf(await publish(instructor, courseId));

    expect(errorCodes(await completeLesson(learner, one))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await submitQuiz(learner, quizLesson, [1, 0]))).toEqual(['FORBIDDEN']);
    const enrolled = dataOf(await enroll(learner, courseId)).enroll;
    expect(enrolled).toMatchObject({ progress: 0, completedAt: null, completedLessons: [], course: { id: courseId } });
    expect(dataOf(await enroll(learner, courseId)).enroll.id).toBe(enrolled.id);

    expect(dataOf(await completeLesson(learner, two)).completeLesson).toMatchObject({ id: enrolled.id, progress: 1 / 3, completedLessons: [{ id: two, position: 2 }] });
    expect(dataOf(await completeLesson(learner, two)).completeLesson.progress).toBe(1 / 3);
    const afterOne = dataOf(await completeLesson(learner, one)).completeLesson;
    expect(afterOne.completedLessons).toEqual([{ id: one, position: 1 }, { id: two, position: 2 }]);
    expect(errorCodes(await completeLesson(learner, quizLesson))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await completeLesson(learner, randomUUID()))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await completeLesson(learner, 'nope'))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await completeLesson(undefined, one))).toEqual(['UNAUTHENTICATED']);

    // One answer per question, each an index into its choices.
    for (const answers of [[1], [1, 0, 0], [3, 0], [-1, 0]]) expect(errorCodes(await submitQuiz(learner, quizLesson, answers))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await submitQuiz(learner, one, [0]))).toEqual(['BAD_USER_INPUT']);
    expect(await coursesDb('SELECT count(*)::int AS n FROM quiz_attempts WHERE user_id = $1', [learner.id])).toEqual([{ n: 0 }]);

    const failed = dataOf(await submitQuiz(learner, quizLesson, [0, 1])).submitQuiz;
    expect(failed).toMatchObject({ score: 0, passed: false });
    const best = async () =>
      dataOf(
        await call<{ course: { viewerEnrollment: { progress: number; completedAt: string | null } | null; lessons: Array<{ quiz: { viewerBestAttempt: { score: number; passed: boolean } | null } | null }> } }>(
          learner,
          'query ($id: ID!) { course(id: $id) { viewerEnrollment { progress completedAt } lessons { quiz { viewerBestAttempt { score passed } } } } }',
          { id: courseId },
        ),
      ).course;
    expect((await best()).lessons[2]?.quiz?.viewerBestAttempt).toEqual({ score: 0, passed: false });
    expect((await best()).viewerEnrollment).toEqual({ progress: 2 / 3, completedAt: null });
    const half = dataOf(await submitQuiz(learner, quizLesson, [1, 1])).submitQuiz;
    expect(half).toMatchObject({ score: 0.5, passed: true });
    const full = dataOf(await submitQuiz(learner, quizLesson, [1, 0])).submitQuiz;
    expect(full).toMatchObject({ score: 1, passed: true });
    const done = await best();
    expect(done.lessons[2]?.quiz?.viewerBestAttempt).toEqual({ score: 1, passed: true });
    expect(done.viewerEnrollment?.progress).toBe(1);
    expect(done.viewerEnrollment?.completedAt).toBe(half.submittedAt);
    expect(await courseStats(courseId)).toEqual({ enrollmentsCount: 1, completionRate: 1 });
    // Nobody else's attempts show as the viewer's.
    const strangers = dataOf(await call<{ course: { lessons: Array<{ quiz: { viewerBestAttempt: unknown } | null }> } }>(stranger, 'query ($id: ID!) { course(id: $id) { lessons { quiz { viewerBestAttempt { score } } } } }', { id: courseId })).course;
    expect(strangers.lessons[2]?.quiz?.viewerBestAttempt).toBeNull();

    // A lesson added later means nobody has completed the course any more.
    await lessonId(instructor, courseId);
    expect(await courseStats(courseId)).toEqual({ enrollmentsCount: 1, completionRate: 0 });
    expect((await best()).viewerEnrollment).toEqual({ progress: 0.75, completedAt: null });

    const mine = dataOf(
      await call<{ me: { enrollments: { edges: Array<{ node: { id: string; user: { username: string }; course: { title: string } } }> } } }>(learner, '{ me { enrollments { edges { node { id user { username } course { title } } } } } }'),
    ).me.enrollments.edges.map((edge) => edge.node);
    expect(mine).toContainEqual({ id: enrolled.id, user: { username: learner.username }, course: { title: 'Full path' } });
    // A learner's enrolments are theirs (and admins'): others see an empty list.
    const theirs = async (who: Caller) =>
      dataOf(await call<{ user: { enrollments: { edges: unknown[] } } }>(who, 'query ($id: ID!) { user(id: $id) { enrollments { edges { cursor } } } }', { id: learner.id })).user.enrollments.edges.length;
    expect(await theirs(stranger)).toBe(0);
    expect(await theirs({ accessToken: adminToken })).toBeGreaterThan(0);

    expect(dataOf(await unenroll(learner, courseId)).unenroll).toBe(true);
    expect(dataOf(await unenroll(learner, courseId)).unenroll).toBe(false);
    expect(await courseStats(courseId)).toEqual({ enrollmentsCount: 0, completionRate: 0 });
    expect(await coursesDb('SELECT count(*)::int AS n FROM quiz_attempts WHERE user_id = $1', [learner.id])).toEqual([{ n: 0 }]);
    expect(errorCodes(await unenroll(learner, randomUUID()))).toEqual(['NOT_FOUND']);
  });

  test('fifty concurrent enrolments by one user leave one enrolment, all answered with it', async () => {
    const { courseId } = await publishedCourse(instructor, 1);
    const results = await Promise.all(Array.from({ length: 50 }, () => enroll(stranger, courseId)));
    expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
    expect(new Set(results.map((result) => result.data?.enroll.id)).size).toBe(1);
    expect(await courseStats(courseId)).toEqual({ enrollmentsCount: 1, completionRate: 0 });
  });

  test('counters stay exact under fifty concurrent enrolments, completions and unenrolments', async () => {
    const { courseId, lessons } = await publishedCourse(instructor, 2);
    const learners = await Promise.all(Array.from({ length: 50 }, learnerToken));
    const enrolled = await Promise.all(learners.map((who) => enroll(who, courseId)));
    expect(enrolled.flatMap((result) => result.errors ?? [])).toEqual([]);
    expect(await courseStats(courseId)).toEqual({ enrollmentsCount: 50, completionRate: 0 });

    // Everyone completes both lessons (twice, in any order); every fifth learner also leaves.
    const actions = learners.flatMap((who, index) => [
      completeLesson(who, lessons[0]!), completeLesson(who, lessons[1]!), completeLesson(who, lessons[index % 2]!), ...(index % 5 === 0 ? [unenroll(who, courseId)] : []),
    ]);
    const results = await Promise.all(actions);
    // A completion racing its learner's own unenrolment may find no enrolment: FORBIDDEN is the honest answer.
    expect(results.flatMap((result) => result.errors ?? []).map((error) => error.extensions?.code).filter((code) => code !== 'FORBIDDEN')).toEqual([]);
    const [truth] = await coursesDb(
      `SELECT count(*)::int AS enrolled, count(*) FILTER (WHERE completed_at IS NOT NULL)::int AS completed,
              count(*) FILTER (WHERE completed_lessons_count = (SELECT count(*) FROM lesson_completions c WHERE c.enrollment_id = e.id))::int AS consistent
       FROM enrollments e WHERE course_id = $1`,
      [courseId],
    );
    expect(truth).toEqual({ enrolled: 40, completed: 40, consistent: 40 });
    expect(await courseStats(courseId)).toEqual({ enrollmentsCount: 40, completionRate: 1 });
    expect(await coursesDb('SELECT enrollments_count, completed_count FROM courses WHERE id = $1', [courseId])).toEqual([{ enrollments_count: 40, completed_count: 40 }]);
  }, 60_000);
});

describe('courseAnalytics', () => {
  const ANALYTICS = `query ($id: ID!) { courseAnalytics(courseId: $id) {
    course { id } enrollmentsCount completionRate averageProgress averageQuizScore atRiskLearners medianDaysToComplete
    lessonCompletion { lesson { position } completedCount } } }`;
  type Report = {
    course: { id: string }; enrollmentsCount: number; completionRate: number; averageProgress: number; averageQuizScore: number | null;
    atRiskLearners: number; medianDaysToComplete: number | null; lessonCompletion: Array<{ lesson: { position: number }; completedCount: number }>;
  };
  const report = async (who: Caller, courseId: string) => dataOf(await call<{ courseAnalytics: Report }>(who, ANALYTICS, { id: courseId })).courseAnalytics;
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

  test('instructor or admin only', async () => {
    const { courseId } = await publishedCourse(instructor, 1);
    expect(errorCodes(await call(stranger, ANALYTICS, { id: courseId }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await call(undefined, ANALYTICS, { id: courseId }))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await call(stranger, ANALYTICS, { id: randomUUID() }))).toEqual(['NOT_FOUND']);
    expect((await report({ accessToken: adminToken }, courseId)).course.id).toBe(courseId);
    const draft = await createCourse(instructor, 'Draft analytics');
    expect(errorCodes(await call(stranger, ANALYTICS, { id: draft }))).toEqual(['NOT_FOUND']);
  });

  test('an empty course: zeros and nulls', async () => {
    const { courseId } = await publishedCourse(instructor, 2);
    expect(await report(instructor, courseId)).toEqual({
      course: { id: courseId }, enrollmentsCount: 0, completionRate: 0, averageProgress: 0, averageQuizScore: null, atRiskLearners: 0, medianDaysToComplete: null,
      lessonCompletion: [{ lesson: { position: 1 }, completedCount: 0 }, { lesson: { position: 2 }, completedCount: 0 }],
    });
  });

  test('completion rate, average progress and the drop-off curve', async () => {
    const { courseId, lessons } = await publishedCourse(instructor, 4);
    const learners = await Promise.all(Array.from({ length: 4 }, learnerToken));
    // Learner i completes the first i + 1 lessons: 1, 2, 3 and all 4.
    for (const [index, who] of learners.entries()) {
      dataOf(await enroll(who, courseId));
      for (const lesson of lessons.slice(0, index + 1)) dataOf(await completeLesson(who, lesson));
    }
    const late = await learnerToken();
    dataOf(await enroll(late, courseId));
    dataOf(await completeLesson(late, lessons[2]!));
    const result = await report(instructor, courseId);
    expect(result.enrollmentsCount).toBe(5);
    expect(result.completionRate).toBeCloseTo(1 / 5);
    // (1 + 2 + 3 + 4 + 1) lessons done of 5 × 4.
    expect(result.averageProgress).toBeCloseTo(11 / 20);
    expect(result.lessonCompletion).toEqual([1, 2, 3, 4].map((position, index) => ({ lesson: { position }, completedCount: [4, 3, 3, 1][index] })));
  });

  test('average quiz score: the mean of each learner\'s best score at each quiz', async () => {
    const courseId = await createCourse(instructor, 'Scores');
    const [quizA, quizB] = [await lessonId(instructor, courseId), await lessonId(instructor, courseId)];
    dataOf(await setQuiz(instructor, quizA, { passingScore: 1, questions: [{ prompt: 'a', choices: ['y', 'n'], correctChoice: 0 }, { prompt: 'b', choices: ['y', 'n'], correctChoice: 0 }] }));
    dataOf(await setQuiz(instructor, quizB, { passingScore: 1, questions: [{ prompt: 'c', choices: ['y', 'n'], correctChoice: 0 }, { prompt: 'd', choices: ['y', 'n'], correctChoice: 0 }, { prompt: 'e', choices: ['y', 'n'], correctChoice: 0 }, { prompt: 'f', choices: ['y', 'n'], correctChoice: 0 }] }));
    dataOf(await publish(instructor, courseId));
    const [first, second] = [await learnerToken(), await learnerToken()];
    for (const who of [first, second]) dataOf(await enroll(who, courseId));
    expect((await report(instructor, courseId)).averageQuizScore).toBeNull();
    // first: quiz A 0 then 0.5 (best 0.5); quiz B 0.25. second: quiz A 1.
    dataOf(await submitQuiz(first, quizA, [1, 1]));
    dataOf(await submitQuiz(first, quizA, [0, 1]));
    dataOf(await submitQuiz(first, quizB, [0, 1, 1, 1]));
    dataOf(await submitQuiz(second, quizA, [0, 0]));
    expect((await report(instructor, courseId)).averageQuizScore).toBeCloseTo((0.5 + 0.25 + 1) / 3);
  });

  test('at-risk learners: enrolled, not completed, no lesson completed or quiz submitted for 7 days', async () => {
    const { courseId, lessons } = await publishedCourse(instructor, 2);
    const quizLesson = await lessonId(instructor, courseId);
    dataOf(await setQuiz(instructor, quizLesson));
    const [idle, recentLesson, recentQuiz, fresh, finished, oldCompletion] = await Promise.all(Array.from({ length: 6 }, learnerToken));
    for (const who of [idle, recentLesson, recentQuiz, fresh, finished, oldCompletion]) dataOf(await enroll(who!, courseId));
    for (const lesson of [...lessons]) dataOf(await completeLesson(finished!, lesson));
    dataOf(await submitQuiz(finished!, quizLesson, [1, 0]));
    dataOf(await completeLesson(oldCompletion!, lessons[0]!));
    // Everyone enrolled 30 days ago, then: idle did nothing; recentLesson completed a lesson
    // 2 days ago; recentQuiz failed a quiz 2 days ago; fresh enrolled 1 day ago; finished
    // completed the course 20 days ago; oldCompletion's only lesson was 8 days ago.
    await coursesDb('UPDATE enrollments SET created_at = $2, last_activity_at = $2 WHERE course_id = $1', [courseId, daysAgo(30)]);
    await coursesDb('UPDATE enrollments SET completed_at = $2, last_activity_at = $2 WHERE course_id = $1 AND user_id = $3', [courseId, daysAgo(20), finished!.id]);
    await coursesDb('UPDATE enrollments SET last_activity_at = $2 WHERE course_id = $1 AND user_id = $3', [courseId, daysAgo(8), oldCompletion!.id]);
    await coursesDb('UPDATE enrollments SET created_at = $2, last_activity_at = $2 WHERE course_id = $1 AND user_id = $3', [courseId, daysAgo(1), fresh!.id]);
    expect((await report(instructor, courseId)).atRiskLearners).toBe(4);
    // Activity through the API moves learners out of the at-risk group.
    dataOf(await completeLesson(recentLesson!, lessons[0]!));
    dataOf(await submitQuiz(recentQuiz!, quizLesson, [0, 1]));
    expect((await report(instructor, courseId)).atRiskLearners).toBe(2);
    // Just inside the window is not at risk yet; just outside is.
    await coursesDb("UPDATE enrollments SET last_activity_at = now() - interval '6 days 23 hours' WHERE course_id = $1 AND user_id = $2", [courseId, idle!.id]);
    expect((await report(instructor, courseId)).atRiskLearners).toBe(1);
    await coursesDb("UPDATE enrollments SET last_activity_at = now() - interval '7 days 1 minute' WHERE course_id = $1 AND user_id = $2", [courseId, idle!.id]);
    expect((await report(instructor, courseId)).atRiskLearners).toBe(2);
  });

  test('median days to complete, over completed enrolments only', async () => {
    const { courseId, lessons } = await publishedCourse(instructor, 1);
    expect((await report(instructor, courseId)).medianDaysToComplete).toBeNull();
    const learners = await Promise.all(Array.from({ length: 5 }, learnerToken));
    for (const who of learners) dataOf(await enroll(who, courseId));
    for (const who of learners.slice(0, 4)) dataOf(await completeLesson(who, lessons[0]!));
    // Completed in 1, 2, 4 and 10 days (median 3); the fifth never completes.
    const durations = [1, 2, 4, 10];
    for (const [index, days] of durations.entries()) {
      await coursesDb('UPDATE enrollments SET created_at = $3::timestamptz - make_interval(days => $4), completed_at = $3 WHERE course_id = $1 AND user_id = $2', [courseId, learners[index]!.id, daysAgo(1), days]);
    }
    expect((await report(instructor, courseId)).medianDaysToComplete).toBeCloseTo(3);
    await coursesDb("UPDATE enrollments SET created_at = completed_at - interval '12 hours' WHERE course_id = $1 AND user_id = $2", [courseId, learners[3]!.id]);
    // 0.5, 1, 2, 4: median 1.5.
    expect((await report(instructor, courseId)).medianDaysToComplete).toBeCloseTo(1.5);
  });
});

test('the whole journey: author, enrol, complete, pass the quiz, read analytics, watch it live', async () => {
  const [teacher, student] = [await registerUser(supergraph, 'journeyteacher'), await registerUser(supergraph, 'journeystudent')];
  await learningJourney({
    gatewayUrl: supergraph.gatewayUrl,
    request: (query, variables, token) => supergraph.request(query, variables, { token }),
    instructor: { token: teacher.accessToken, username: teacher.username },
    learner: { token: student.accessToken },
    subscribed: (courseId) => eventually(async () => (await channelSubscribers(supergraph.channel(`courseStatsChanged:${courseId}`))) > 0, 10_000, 'the upstream subscription'),
  });
}, 60_000);

describe('courseStatsChanged', () => {
  test('pushes each enrolment, lesson completion, quiz pass and unenrolment, with the instructor from users', async () => {
    const courseId = await createCourse(instructor, 'Live');
    const plain = await lessonId(instructor, courseId);
    const quizLesson = await lessonId(instructor, courseId);
    dataOf(await setQuiz(instructor, quizLesson));
    dataOf(await publish(instructor, courseId));
    const socket = openSocket(supergraph.gatewayUrl);
    try {
      const events = socket.subscribe<{ courseStatsChanged: { enrollmentsCount: number; completionRate: number; course: { title: string; instructor: { username: string } } } }>(
        'subscription ($id: ID!) { courseStatsChanged(courseId: $id) { enrollmentsCount completionRate course { title instructor { username } } } }',
        { id: courseId },
      );
      await eventually(async () => (await channelSubscribers(supergraph.channel(`courseStatsChanged:${courseId}`))) > 0, 10_000, 'the upstream subscription');
      const course = { title: 'Live', instructor: { username: instructor.username } };
      const expectEvent = async (enrollmentsCount: number, completionRate: number) =>
        expect(await events.next(10_000)).toEqual({ data: { courseStatsChanged: { enrollmentsCount, completionRate, course } } });

      dataOf(await enroll(learner, courseId));
      await expectEvent(1, 0);
      dataOf(await enroll(learner, courseId)); // the same enrolment: no event
      dataOf(await completeLesson(learner, plain));
      await expectEvent(1, 0);
      dataOf(await submitQuiz(learner, quizLesson, [0, 1])); // failed: nothing completed
      dataOf(await submitQuiz(learner, quizLesson, [1, 0]));
      await expectEvent(1, 1);
      dataOf(await enroll(stranger, courseId));
      await expectEvent(2, 0.5);
      dataOf(await unenroll(learner, courseId));
      await expectEvent(1, 0);
      expect(events.results).toHaveLength(5);
    } finally {
      await socket.dispose();
    }
  }, 60_000);

  test('refuses unknown courses and drafts with NOT_FOUND', async () => {
    const draft = await createCourse(instructor, 'Unwatchable');
    const socket = openSocket(supergraph.gatewayUrl);
    try {
      for (const id of [randomUUID(), draft]) {
        const result = await socket.subscribe('subscription ($id: ID!) { courseStatsChanged(courseId: $id) { enrollmentsCount } }', { id }).next();
        expect(result.errors?.map((error) => error.extensions?.['code'])).toEqual(['NOT_FOUND']);
      }
    } finally {
      await socket.dispose();
    }
  });
});

describe('SQL statements per request do not grow with the page size', () => {
  let reader: TestUser;
  let tag: string;
  beforeAll(async () => {
    // 120 published courses with 3 lessons each (one with a quiz), written straight into
    // the database, and a learner enrolled in all of them: this is about reads.
    tag = `bulk${randomUUID().slice(0, 6)}`;
    reader = await registerUser(supergraph, 'bulkreader');
    const courses = Array.from({ length: 120 }, (_, index) => ({ id: randomUUID(), index }));
    const teachers = await Promise.all(Array.from({ length: 4 }, () => registerUser(supergraph, 'bulkteacher')));
    await coursesDb(
      `INSERT INTO courses (id, instructor_id, title, description, published, lessons_count, enrollments_count, created_at, updated_at)
       SELECT c.id, (ARRAY[$3::uuid, $4::uuid, $5::uuid, $6::uuid])[1 + c.i % 4], $2 || ' ' || c.i, '', true, 3, 1, now() - c.i * interval '1 second', now()
       FROM unnest($1::uuid[]) WITH ORDINALITY AS c(id, i)`,
      [courses.map((course) => course.id), tag, ...teachers.map((teacher) => teacher.id)],
    );
    await coursesDb(
      `INSERT INTO lessons (id, course_id, position, title, content) SELECT gen_random_uuid(), c.id, p, 'Lesson ' || p, '' FROM unnest($1::uuid[]) AS c(id), generate_series(1, 3) AS p`,
      [courses.map((course) => course.id)],
    );
    await coursesDb(
      `INSERT INTO quizzes (id, lesson_id, passing_score) SELECT gen_random_uuid(), l.id, 0.5 FROM lessons l WHERE l.course_id = ANY($1::uuid[]) AND l.position = 3`,
      [courses.map((course) => course.id)],
    );
    await coursesDb(
      `INSERT INTO quiz_questions (id, quiz_id, position, prompt, choices, correct_choice) SELECT gen_random_uuid(), q.id, 0, 'Q', ARRAY['a', 'b'], 0
       FROM quizzes q JOIN lessons l ON l.id = q.lesson_id WHERE l.course_id = ANY($1::uuid[])`,
      [courses.map((course) => course.id)],
    );
    await coursesDb(
      `INSERT INTO enrollments (id, course_id, user_id, completed_lessons_count, created_at) SELECT gen_random_uuid(), c.id, $2, 1, now() - c.i * interval '1 second'
       FROM unnest($1::uuid[]) WITH ORDINALITY AS c(id, i)`,
      [courses.map((course) => course.id), reader.id],
    );
    await coursesDb(
      `INSERT INTO lesson_completions (enrollment_id, lesson_id) SELECT e.id, l.id FROM enrollments e JOIN lessons l ON l.course_id = e.course_id AND l.position = 1 WHERE e.user_id = $1`,
      [reader.id],
    );
  }, 60_000);

  const same = async (name: string, run: (first: number) => Promise<void>) => {
    const count = (first: number) => supergraph.statementsDuring(name, () => run(first));
    const small = await count(10);
    expect(await count(100)).toBe(small);
    return small;
  };

  test.each(['courses', 'users'])('courses(first: 10) and (first: 100) with lessons, quizzes, instructor and viewerEnrollment cost the same in %s', async (name) => {
    const statements = await same(name, async (first) => {
      const result = await call<{ courses: { edges: Array<{ node: { lessons: unknown[]; viewerEnrollment: { progress: number } | null } }> } }>(
        reader,
        `query ($first: Int, $s: String) { courses(first: $first, search: $s) { edges { node { id title enrollmentsCount completionRate instructor { username }
          viewerEnrollment { progress completedLessons { position } } lessons { position quiz { passingScore questions { prompt choices } viewerBestAttempt { score } } } } } } }`,
        { first, s: tag },
      );
      const edges = dataOf(result).courses.edges;
      expect(edges).toHaveLength(first);
      expect(edges[0]?.node.lessons).toHaveLength(3);
      expect(edges[0]?.node.viewerEnrollment?.progress).toBeCloseTo(1 / 3);
    });
    expect(statements).toBeGreaterThan(0);
  });

  test('me { enrollments { course { lessons } } } costs the same for 10 and 100 enrolments', async () => {
    await same('courses', async (first) => {
      const result = await call<{ me: { enrollments: { edges: Array<{ node: { progress: number; course: { lessons: unknown[] } } }> } } }>(
        reader,
        'query ($first: Int) { me { enrollments(first: $first) { edges { node { progress completedLessons { id } course { title instructor { id } lessons { id title } } } } } } }',
        { first },
      );
      const edges = dataOf(result).me.enrollments.edges;
      expect(edges).toHaveLength(first);
      expect(edges[0]?.node.course.lessons).toHaveLength(3);
    });
  });
});
