import type { PrismaClient } from '../../prisma/courses/generated/client.js';
import type { Viewer } from '../../platform/auth/token-verifier.js';
import { batchLoader, listLoader, rowLoader } from '../../platform/loaders.js';
import { rowCountLoader } from '../../platform/data/row-counts.js';
import type { LessonModel, QuizAttemptModel } from './models.js';

export type Loaders = ReturnType<typeof createLoaders>;

/** One set per request: each batches the loads of a request into one query. */
export function createLoaders(db: PrismaClient, viewer: Viewer | null) {
  return {
    /** Rows per table from the maintained counters (platformStats). */
    rowCount: rowCountLoader(db),
    course: rowLoader((ids) => db.course.findMany({ where: { id: { in: [...ids] } } })),
    lessons: listLoader(
      (courseIds: readonly string[]) => db.lesson.findMany({ where: { courseId: { in: [...courseIds] } }, orderBy: [{ courseId: 'asc' }, { position: 'asc' }] }),
      (lesson) => lesson.courseId,
      (lesson) => lesson,
    ),
    quiz: batchLoader(
      (lessonIds: readonly string[]) => db.quiz.findMany({ where: { lessonId: { in: [...lessonIds] } } }),
      (quiz) => quiz.lessonId,
      (quiz) => quiz,
      null,
    ),
    // `select` leaves the correct choice in the database.
    questions: listLoader(
      (quizIds: readonly string[]) =>
        db.quizQuestion.findMany({ where: { quizId: { in: [...quizIds] } }, select: { id: true, quizId: true, prompt: true, choices: true }, orderBy: [{ quizId: 'asc' }, { position: 'asc' }] }),
      (question) => question.quizId,
      ({ id, prompt, choices }) => ({ id, prompt, choices }),
    ),
    completedLessons: listLoader(
      async (enrollmentIds: readonly string[]) =>
        (await db.lessonCompletion.findMany({ where: { enrollmentId: { in: [...enrollmentIds] } }, include: { lesson: true } })).sort((a, b) => a.lesson.position - b.lesson.position),
      (completion) => completion.enrollmentId,
      (completion): LessonModel => completion.lesson,
    ),
    /** The viewer's enrolment in each course; null for every course when anonymous. */
    viewerEnrollment: batchLoader(
      async (courseIds: readonly string[]) => (viewer ? db.enrollment.findMany({ where: { userId: viewer.id, courseId: { in: [...courseIds] } } }) : []),
      (enrollment) => enrollment.courseId,
      (enrollment) => enrollment,
      null,
    ),
    /** The viewer's best attempt at each quiz (the earliest of equal scores). */
    viewerBestAttempt: batchLoader(
      async (quizIds: readonly string[]): Promise<QuizAttemptModel[]> =>
        viewer
          ? db.quizAttempt.findMany({
              where: { userId: viewer.id, quizId: { in: [...quizIds] } },
              orderBy: [{ quizId: 'asc' }, { score: 'desc' }, { submittedAt: 'asc' }],
              distinct: ['quizId'],
            })
          : [],
      (attempt) => attempt.quizId,
      (attempt) => attempt,
      null,
    ),
  };
}
