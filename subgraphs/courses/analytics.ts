import type { PrismaClient } from '../../prisma/courses/generated/client.js';
import type { Viewer } from '../../platform/auth/token-verifier.js';
import { forbidden } from '../../platform/errors.js';
import { requireId } from '../../platform/pagination.js';
import { visibleCourse } from './access.js';
import type { Loaders } from './loaders.js';
import type { CourseAnalyticsModel } from './models.js';
import { share } from './validation.js';

/** A learner with no activity for this long, not done with the course, is at risk. */
export const AT_RISK_AFTER_DAYS = 7;

export type Analytics = ReturnType<typeof createAnalytics>;

/**
 * A course's report for its instructor and admins. It reads one course's rows through
 * indexes (a handful of statements whatever the course's size); the counters that every
 * page shows come from the course row.
 */
export function createAnalytics({ db }: { db: PrismaClient }) {
  return {
    async report(viewer: Viewer, courseId: string, loaders: Loaders): Promise<CourseAnalyticsModel> {
      const id = requireId(courseId, 'courseId');
      const course = visibleCourse(await loaders.course.load(id), viewer);
      if (course.instructorId !== viewer.id && viewer.role !== 'ADMIN') throw forbidden('Only the course\'s instructor or an admin can read its analytics.');
      const [lessons, completions, [figures]] = await Promise.all([
        loaders.lessons.load(id),
        db.lessonCompletion.groupBy({ by: ['lessonId'], where: { lesson: { courseId: id } }, _count: { _all: true } }),
        // Activity is the enrolment, the latest completion or the latest quiz submission
        // (enrollments.last_activity_at). The mean quiz score takes each learner's best
        // score at each quiz, then the mean of those.
        db.$queryRaw<Array<{ average_done: number | null; at_risk: number; median_days: number | null; average_quiz_score: number | null }>>`
          SELECT
            (SELECT avg(completed_lessons_count)::float8 FROM enrollments WHERE course_id = ${id}::uuid) AS average_done,
            (SELECT count(*)::int FROM enrollments WHERE course_id = ${id}::uuid AND completed_at IS NULL
               AND last_activity_at < now() - make_interval(days => ${AT_RISK_AFTER_DAYS})) AS at_risk,
            (SELECT (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - created_at)) / 86400)::float8
               FROM enrollments WHERE course_id = ${id}::uuid AND completed_at IS NOT NULL) AS median_days,
            (SELECT avg(best)::float8 FROM (
               SELECT max(a.score) AS best FROM quiz_attempts a JOIN enrollments e ON e.id = a.enrollment_id
               WHERE e.course_id = ${id}::uuid GROUP BY a.enrollment_id, a.quiz_id) AS bests) AS average_quiz_score`,
      ]);
      const completed = new Map(completions.map((row) => [row.lessonId, row._count._all]));
      return {
        course,
        enrollmentsCount: course.enrollmentsCount,
        completionRate: share(course.completedCount, course.enrollmentsCount),
        averageProgress: share(figures?.average_done ?? 0, course.lessonsCount),
        lessonCompletion: lessons.map((lesson) => ({ lesson, completedCount: completed.get(lesson.id) ?? 0 })),
        averageQuizScore: figures?.average_quiz_score ?? null,
        atRiskLearners: figures?.at_risk ?? 0,
        medianDaysToComplete: figures?.median_days ?? null,
      };
    },
  };
}
