import type { Prisma, PrismaClient } from '../../prisma/courses/generated/client.js';
import type { Viewer } from '../../platform/auth/token-verifier.js';
import { TRANSACTION_OPTIONS } from '../../platform/data/database.js';
import { badUserInput, conflict, forbidden, notFound } from '../../platform/errors.js';
import { emptyConnection, keysetPage, requireId } from '../../platform/pagination.js';
import type { PageRequest } from '../../platform/pagination.js';
import { lockCourse, visibleCourse } from './access.js';
import type { LockedCourse } from './access.js';
import type { CourseStatsPublisher } from './course-stats.js';
import type { EnrollmentConnectionModel, EnrollmentModel, QuizAttemptModel } from './models.js';
import { scoreQuiz } from './validation.js';

export type Learning = ReturnType<typeof createLearning>;

export interface LearningDeps {
  db: PrismaClient;
  stats: CourseStatsPublisher;
}

/**
 * Enrolling, completing lessons and taking quizzes. Each write locks its course first (see
 * lockCourse) and moves the course's and the enrolment's counters in the same transaction;
 * live events go out after it committed, and only when something changed.
 */
export function createLearning({ db, stats }: LearningDeps) {
  const inCourse = <T>(courseId: string, write: (tx: Prisma.TransactionClient, course: LockedCourse | null) => Promise<T>): Promise<T> =>
    db.$transaction(async (tx) => write(tx, await lockCourse(tx, courseId)), TRANSACTION_OPTIONS);

  /** The viewer's enrolment in the locked course; FORBIDDEN when there is none. */
  const requireEnrollment = async (tx: Prisma.TransactionClient, courseId: string, viewer: Viewer): Promise<EnrollmentModel> => {
    const enrollment = await tx.enrollment.findUnique({ where: { courseId_userId: { courseId, userId: viewer.id } } });
    if (!enrollment) throw forbidden('Enrol in the course first.');
    return enrollment;
  };

  /**
   * Records the lesson as completed for the enrolment (idempotent), completing the course
   * when it was the last one. Whether anything changed, and the enrolment as it is now.
   */
  const completeIn = async (tx: Prisma.TransactionClient, course: LockedCourse, enrollment: EnrollmentModel, lessonId: string, at: Date) => {
    const { count } = await tx.lessonCompletion.createMany({ data: [{ enrollmentId: enrollment.id, lessonId, completedAt: at }], skipDuplicates: true });
    if (count === 0) return { changed: false, enrollment };
    const completes = enrollment.completedLessonsCount + 1 >= course.lessonsCount;
    const updated = await tx.enrollment.update({
      where: { id: enrollment.id },
      data: { completedLessonsCount: { increment: 1 }, lastActivityAt: at, ...(completes && enrollment.completedAt === null && { completedAt: at }) },
    });
    if (completes && enrollment.completedAt === null) await tx.course.update({ where: { id: course.id }, data: { completedCount: { increment: 1 } } });
    return { changed: true, enrollment: updated };
  };

  /** The lesson with its course id and quiz (correct choices included: scoring needs them), or NOT_FOUND. */
  const lessonWithQuiz = async (lessonId: string) => {
    const lesson = await db.lesson.findUnique({
      where: { id: lessonId },
      select: { id: true, courseId: true, quiz: { select: { id: true, passingScore: true, questions: { orderBy: { position: 'asc' }, select: { choices: true, correctChoice: true } } } } },
    });
    if (!lesson) throw notFound('No lesson has that id.');
    return lesson;
  };

  return {
    /** Enrols the viewer in a published course; enrolling again returns the same enrolment. */
    async enroll(viewer: Viewer, courseId: string): Promise<EnrollmentModel> {
      const id = requireId(courseId, 'courseId');
      const { enrollment, created } = await inCourse(id, async (tx, locked) => {
        const course = visibleCourse(locked, viewer);
        if (!course.published) throw badUserInput('Only published courses take enrolments.', 'courseId');
        // Serialised by the course lock; ON CONFLICT DO NOTHING still makes a duplicate harmless.
        const { count } = await tx.enrollment.createMany({ data: [{ courseId: id, userId: viewer.id }], skipDuplicates: true });
        if (count > 0) await tx.course.update({ where: { id }, data: { enrollmentsCount: { increment: 1 } } });
        return { enrollment: await tx.enrollment.findUniqueOrThrow({ where: { courseId_userId: { courseId: id, userId: viewer.id } } }), created: count > 0 };
      });
      if (created) await stats.changed(id);
      return enrollment;
    },

    /** Drops the viewer's enrolment with its progress and attempts; false when there was none. */
    async unenroll(viewer: Viewer, courseId: string): Promise<boolean> {
      const id = requireId(courseId, 'courseId');
      const removed = await inCourse(id, async (tx, locked) => {
        visibleCourse(locked, viewer);
        const [row] = await tx.$queryRaw<Array<{ completed: boolean }>>`
          DELETE FROM enrollments WHERE course_id = ${id}::uuid AND user_id = ${viewer.id}::uuid RETURNING completed_at IS NOT NULL AS completed`;
        if (!row) return false;
        await tx.course.update({ where: { id }, data: { enrollmentsCount: { decrement: 1 }, ...(row.completed && { completedCount: { decrement: 1 } }) } });
        return true;
      });
      if (removed) await stats.changed(id);
      return removed;
    },

    async completeLesson(viewer: Viewer, lessonId: string): Promise<EnrollmentModel> {
      const lesson = await lessonWithQuiz(requireId(lessonId, 'lessonId'));
      if (lesson.quiz) throw badUserInput('This lesson has a quiz: it is completed by passing it (submitQuiz).', 'lessonId');
      const { changed, enrollment } = await inCourse(lesson.courseId, async (tx, locked) => {
        const course = visibleCourse(locked, viewer);
        return completeIn(tx, course, await requireEnrollment(tx, course.id, viewer), lesson.id, new Date());
      });
      if (changed) await stats.changed(lesson.courseId);
      return enrollment;
    },

    /** Scores the answers and records the attempt; a pass completes the lesson. */
    async submitQuiz(viewer: Viewer, lessonId: string, answers: readonly number[]): Promise<QuizAttemptModel> {
      const lesson = await lessonWithQuiz(requireId(lessonId, 'lessonId'));
      const quiz = lesson.quiz;
      if (!quiz) throw badUserInput('This lesson has no quiz; complete it with completeLesson.', 'lessonId');
      const { score, passed } = scoreQuiz(quiz.questions, quiz.passingScore, answers);
      const { attempt, changed } = await inCourse(lesson.courseId, async (tx, locked) => {
        const course = visibleCourse(locked, viewer);
        const enrollment = await requireEnrollment(tx, course.id, viewer);
        // Authoring holds the same lock, so the quiz cannot change from here to the commit.
        const current = await tx.quiz.findUnique({ where: { lessonId: lesson.id }, select: { id: true } });
        if (current?.id !== quiz.id) throw conflict('The quiz was changed while you answered it; load it again.', 'answers');
        const at = new Date();
        const created = await tx.quizAttempt.create({ data: { quizId: quiz.id, enrollmentId: enrollment.id, userId: viewer.id, score, passed, submittedAt: at } });
        const changed = passed && (await completeIn(tx, course, enrollment, lesson.id, at)).changed;
        // A submission is activity whether or not it passes (at-risk learners); a completion recorded it already.
        if (!changed) await tx.enrollment.update({ where: { id: enrollment.id }, data: { lastActivityAt: at } });
        return { attempt: created, changed };
      });
      if (changed) await stats.changed(lesson.courseId);
      return attempt;
    },

    /** The user's enrolments, newest first: for the user themself and admins only. */
    enrollments(viewer: Viewer | null, userId: string, request: PageRequest): Promise<EnrollmentConnectionModel> {
      if (!viewer || (viewer.id !== userId && viewer.role !== 'ADMIN')) return Promise.resolve(emptyConnection());
      return keysetPage(request, 'id', ({ where, ...args }) => db.enrollment.findMany({ where: { userId, ...where }, ...args }), (enrollment) => enrollment);
    },
  };
}
