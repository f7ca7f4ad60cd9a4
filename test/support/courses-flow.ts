import { dataOf } from './graphql.js';
import type { GraphQLResult } from './graphql.js';
import { openSocket } from './ws.js';

type Request = <T>(query: string, variables: Record<string, unknown>, token?: string) => Promise<GraphQLResult<T>>;

export interface JourneyOptions {
  gatewayUrl: string;
  request: Request;
  instructor: { token: string; username: string };
  learner: { token: string };
  /** Resolves once the subgraph holds the course's subscription (how depends on pub/sub). */
  subscribed: (courseId: string) => Promise<void>;
}

/**
 * The "done when", as a real client does it: an instructor authors a course with a
 * quiz, a second account enrols, completes a lesson and passes the quiz, the instructor
 * reads the analytics, and a subscriber to courseStatsChanged sees each step.
 */
export async function learningJourney({ gatewayUrl, request, instructor, learner, subscribed }: JourneyOptions): Promise<void> {
  const as = <T>(token: string, query: string, variables: Record<string, unknown> = {}) => request<T>(query, variables, token).then(dataOf);
  const { createCourse: course } = await as<{ createCourse: { id: string } }>(instructor.token, 'mutation { createCourse(input: { title: "Journey", description: "End to end" }) { id } }');
  const addLesson = async (title: string) =>
    (await as<{ addLesson: { id: string } }>(instructor.token, 'mutation ($id: ID!, $t: String!) { addLesson(courseId: $id, input: { title: $t, content: "Read me", durationMinutes: 10 }) { id } }', { id: course.id, t: title })).addLesson.id;
  const [reading, quizLesson] = [await addLesson('Reading'), await addLesson('Quiz')];
  await as(instructor.token, 'mutation ($id: ID!, $input: QuizInput!) { setLessonQuiz(lessonId: $id, input: $input) { id } }', {
    id: quizLesson,
    input: { passingScore: 1, questions: [{ prompt: 'Ready?', choices: ['no', 'yes'], correctChoice: 1 }] },
  });
  await as(instructor.token, 'mutation ($id: ID!) { publishCourse(id: $id) { published } }', { id: course.id });

  const socket = openSocket(gatewayUrl);
  try {
    const events = socket.subscribe<{ courseStatsChanged: { enrollmentsCount: number; completionRate: number; course: { instructor: { username: string } } } }>(
      'subscription ($id: ID!) { courseStatsChanged(courseId: $id) { enrollmentsCount completionRate course { instructor { username } } } }',
      { id: course.id },
    );
    await subscribed(course.id);
    const step = async (enrollmentsCount: number, completionRate: number) =>
      expect(await events.next(10_000)).toEqual({ data: { courseStatsChanged: { enrollmentsCount, completionRate, course: { instructor: { username: instructor.username } } } } });

    await as(learner.token, 'mutation ($id: ID!) { enroll(courseId: $id) { id } }', { id: course.id });
    await step(1, 0);
    const { completeLesson } = await as<{ completeLesson: { progress: number } }>(learner.token, 'mutation ($id: ID!) { completeLesson(lessonId: $id) { progress } }', { id: reading });
    expect(completeLesson.progress).toBe(0.5);
    await step(1, 0);
    const { submitQuiz } = await as<{ submitQuiz: { score: number; passed: boolean } }>(learner.token, 'mutation ($id: ID!) { submitQuiz(lessonId: $id, answers: [1]) { score passed } }', { id: quizLesson });
    expect(submitQuiz).toEqual({ score: 1, passed: true });
    await step(1, 1);
  } finally {
    await socket.dispose();
  }

  const { courseAnalytics } = await as<{ courseAnalytics: Record<string, unknown> }>(
    instructor.token,
    'query ($id: ID!) { courseAnalytics(courseId: $id) { enrollmentsCount completionRate averageProgress averageQuizScore atRiskLearners medianDaysToComplete lessonCompletion { lesson { title } completedCount } } }',
    { id: course.id },
  );
  expect(courseAnalytics).toMatchObject({ enrollmentsCount: 1, completionRate: 1, averageProgress: 1, averageQuizScore: 1, atRiskLearners: 0 });
  expect(courseAnalytics['medianDaysToComplete']).toBeLessThan(0.01);
  expect(courseAnalytics['lessonCompletion']).toEqual([{ lesson: { title: 'Reading' }, completedCount: 1 }, { lesson: { title: 'Quiz' }, completedCount: 1 }]);
}
