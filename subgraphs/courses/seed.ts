import type { PrismaClient } from '../../prisma/courses/generated/client.js';
import { demoUserId } from '../../contracts/demo.js';
import type { Logger } from '../../platform/observability/logger.js';

const DAY = 86_400_000;
const PUBLISHED = '01930000-0000-7000-8000-000000000001';
const DRAFT = '01930000-0000-7000-8000-000000000002';
const lessonId = (n: number): string => `01930000-0000-7000-8000-00000000010${n}`;
const QUIZ = '01930000-0000-7000-8000-000000000201';

const LESSONS = [
  { title: 'One graph, many services', content: 'Each domain owns its types; the gateway composes them into one schema.', durationMinutes: 10 },
  { title: 'Entities and keys', content: 'An entity is a type with @key: any subgraph can add fields to it.', durationMinutes: 15 },
  { title: 'Check yourself', content: 'Three questions on what you just read.', durationMinutes: 5 },
];

const QUESTIONS = [
  { prompt: 'Which directive makes a type an entity?', choices: ['@shareable', '@key', '@external'], correctChoice: 1 },
  { prompt: 'Who executes the query plan?', choices: ['The gateway', 'Each subgraph', 'The client'], correctChoice: 0 },
  { prompt: 'Can two subgraphs add fields to User?', choices: ['No', 'Yes'], correctChoice: 1 },
];

/** Learners of the published course: days since they enrolled, lessons done, days since their last activity. */
const LEARNERS = [
  { username: 'alan', enrolledDaysAgo: 6, lessonsDone: 3, lastActiveDaysAgo: 2 },
  { username: 'katherine', enrolledDaysAgo: 12, lessonsDone: 1, lastActiveDaysAgo: 9 },
  { username: 'linus', enrolledDaysAgo: 1, lessonsDone: 0, lastActiveDaysAgo: 1 },
];

/**
 * Seeds an empty courses database (first start of the embedded default): grace's published
 * course with three lessons and a quiz, learners at different progress (one done, one at
 * risk, one just started), and alan's draft. Counters are written as the writes would.
 */
export async function seedDemoCourses(db: PrismaClient, logger: Logger): Promise<void> {
  if ((await db.course.count()) > 0) return;
  const now = Date.now();
  const ago = (days: number): Date => new Date(now - days * DAY);
  const completed = LEARNERS.filter((learner) => learner.lessonsDone === LESSONS.length).length;
  await db.$transaction(async (tx) => {
    await tx.course.create({
      data: {
        id: PUBLISHED,
        instructorId: demoUserId('grace'),
        title: 'Federated GraphQL in practice',
        description: 'A short course on composing one API from many services, with a quiz at the end.',
        published: true,
        lessonsCount: LESSONS.length,
        enrollmentsCount: LEARNERS.length,
        completedCount: completed,
        createdAt: ago(20),
        lessons: { create: LESSONS.map((lesson, index) => ({ ...lesson, id: lessonId(index + 1), position: index + 1, createdAt: ago(20) })) },
      },
    });
    await tx.quiz.create({ data: { id: QUIZ, lessonId: lessonId(3), passingScore: 0.6, questions: { create: QUESTIONS.map((question, position) => ({ ...question, position })) } } });
    await tx.course.create({
      data: {
        id: DRAFT,
        instructorId: demoUserId('alan'),
        title: 'Computability for the curious',
        description: 'A draft: only alan (and admins) can see it until it is published.',
        lessonsCount: 1,
        createdAt: ago(3),
        lessons: { create: [{ title: 'What is a machine?', content: 'A tape, a head, a table of rules.', position: 1, durationMinutes: 20 }] },
      },
    });
    for (const learner of LEARNERS) {
      const done = learner.lessonsDone === LESSONS.length;
      const enrollment = await tx.enrollment.create({
        data: {
          courseId: PUBLISHED,
          userId: demoUserId(learner.username),
          createdAt: ago(learner.enrolledDaysAgo),
          lastActivityAt: ago(learner.lastActiveDaysAgo),
          completedLessonsCount: learner.lessonsDone,
          completedAt: done ? ago(learner.lastActiveDaysAgo) : null,
        },
      });
      await tx.lessonCompletion.createMany({
        data: LESSONS.slice(0, learner.lessonsDone).map((_, index) => ({ enrollmentId: enrollment.id, lessonId: lessonId(index + 1), completedAt: ago(learner.lastActiveDaysAgo) })),
      });
      if (done) {
        await tx.quizAttempt.create({ data: { quizId: QUIZ, enrollmentId: enrollment.id, userId: enrollment.userId, score: 2 / 3, passed: true, submittedAt: ago(learner.lastActiveDaysAgo) } });
      }
    }
  });
  logger.info('seeded demo courses', { courses: 2, enrollments: LEARNERS.length });
}
