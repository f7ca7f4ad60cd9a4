import type { Viewer } from '../../platform/auth/token-verifier.js';
import { forbidden, notFound } from '../../platform/errors.js';
import type { Prisma } from '../../prisma/courses/generated/client.js';
import type { CourseModel } from './models.js';

/**
 * Who may see and change a course. There is no instructor role (roles are USER and ADMIN):
 * an instructor is the user who created the course, so any signed-in user may create one
 * and only its creator may author it. Admins may read drafts and analytics, not author.
 */
export const canSee = (course: Pick<CourseModel, 'published' | 'instructorId'>, viewer: Viewer | null): boolean =>
  course.published || (viewer !== null && (viewer.id === course.instructorId || viewer.role === 'ADMIN'));

const NO_COURSE = 'No course has that id.';

/** The course when the viewer may see it; NOT_FOUND otherwise, so drafts stay unknown to others. */
export function visibleCourse<C extends Pick<CourseModel, 'published' | 'instructorId'>>(course: C | null | undefined, viewer: Viewer | null): C {
  if (!course || !canSee(course, viewer)) throw notFound(NO_COURSE);
  return course;
}

/** The course when the viewer is its instructor; FORBIDDEN for others who can see it. */
export function authoredCourse<C extends Pick<CourseModel, 'published' | 'instructorId'>>(course: C | null | undefined, viewer: Viewer): C {
  const visible = visibleCourse(course, viewer);
  if (visible.instructorId !== viewer.id) throw forbidden('Only the course\'s instructor can change it.');
  return visible;
}

export interface LockedCourse {
  id: string;
  instructorId: string;
  published: boolean;
  lessonsCount: number;
}

/**
 * Locks the course's row for the rest of the transaction and reads it. Every write that
 * moves a course's counters (enrolments, completions, lessons) takes this lock first, so
 * they are serialised per course, always in the same order (course, then its rows), which
 * keeps the counters exact and leaves no room for deadlocks.
 */
export async function lockCourse(tx: Prisma.TransactionClient, courseId: string): Promise<LockedCourse | null> {
  const [row] = await tx.$queryRaw<Array<{ id: string; instructor_id: string; published: boolean; lessons_count: number }>>`
    SELECT id::text, instructor_id::text, published, lessons_count FROM courses WHERE id = ${courseId}::uuid FOR NO KEY UPDATE`;
  return row ? { id: row.id, instructorId: row.instructor_id, published: row.published, lessonsCount: row.lessons_count } : null;
}
