import type { Prisma, PrismaClient } from '../../prisma/courses/generated/client.js';
import type { Viewer } from '../../platform/auth/token-verifier.js';
import { TRANSACTION_OPTIONS } from '../../platform/data/database.js';
import { badUserInput, notFound } from '../../platform/errors.js';
import { escapeLikeWildcards } from '../../platform/escape-like-wildcards.js';
import { writeOutbox } from '../../platform/messaging/outbox.js';
import type { OutboxRelay } from '../../platform/messaging/outbox.js';
import { keysetPage, requireId } from '../../platform/pagination.js';
import type { PageRequest } from '../../platform/pagination.js';
import { optionalText } from '../../platform/text.js';
import { auditRecorded } from '../../contracts/audit-events.js';
import { authoredCourse, lockCourse } from './access.js';
import type { LockedCourse } from './access.js';
import type { CourseStatsPublisher } from './course-stats.js';
import type { CourseConnectionModel, CourseModel, LessonModel } from './models.js';
import { parseCourseInput, parseCourseUpdate, parseLessonInput, parseQuizInput } from './validation.js';
import type { QuizFields } from './validation.js';

export type Courses = ReturnType<typeof createCourses>;

export interface CoursesDeps {
  db: PrismaClient;
  /** Relays the outbox (audit events) once a write committed. */
  relay: OutboxRelay;
  stats: CourseStatsPublisher;
}

/** Authoring courses (their instructor only) and the lists of courses. */
export function createCourses({ db, relay, stats }: CoursesDeps) {
  const page = (filter: Prisma.CourseWhereInput, request: PageRequest): Promise<CourseConnectionModel> =>
    keysetPage(request, 'id', ({ where, ...args }) => db.course.findMany({ where: { AND: [filter, where] }, ...args }), (course) => course);

  /**
   * Records, in the write's transaction, a course write by an admin account. Admins cannot
   * write other people's courses (access.ts: instructors only), so these are the courses an
   * admin authors; the log still says which admin changed which course.
   */
  const auditAdmin = async (tx: Prisma.TransactionClient, viewer: Viewer, courseId: string, change: string): Promise<void> => {
    if (viewer.role !== 'ADMIN') return;
    await writeOutbox(tx, auditRecorded({ actorId: viewer.id, action: 'COURSE_CHANGED_BY_ADMIN', subjectType: 'Course', subjectId: courseId, detail: change, domain: 'courses' }));
  };

  /** Runs `write` in a transaction; an admin's audit entry is relayed as soon as it commits. */
  const audited = async <T>(viewer: Viewer, write: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> => {
    const result = await db.$transaction(write, TRANSACTION_OPTIONS);
    if (viewer.role === 'ADMIN') await relay.flush();
    return result;
  };

  /** Runs `write` on the course locked, once the viewer is known to be its instructor; `change` names it for the audit log. */
  const authoring = <T>(viewer: Viewer, courseId: string, change: string, write: (tx: Prisma.TransactionClient, course: LockedCourse) => Promise<T>): Promise<T> =>
    audited(viewer, async (tx) => {
      const written = await write(tx, authoredCourse(await lockCourse(tx, courseId), viewer));
      await auditAdmin(tx, viewer, courseId, change);
      return written;
    });

  /** The lesson's course id, or NOT_FOUND. */
  const lessonCourse = async (lessonId: string): Promise<string> => {
    const lesson = await db.lesson.findUnique({ where: { id: lessonId }, select: { courseId: true } });
    if (!lesson) throw notFound('No lesson has that id.');
    return lesson.courseId;
  };

  return {
    async create(viewer: Viewer, input: { title: string; description: string }): Promise<CourseModel> {
      const fields = parseCourseInput(input);
      return audited(viewer, async (tx) => {
        const created = await tx.course.create({ data: { ...fields, instructorId: viewer.id } });
        await auditAdmin(tx, viewer, created.id, `created: ${created.title}`);
        return created;
      });
    },

    async update(viewer: Viewer, id: string, input: { title?: string | null; description?: string | null }): Promise<CourseModel> {
      const courseId = requireId(id, 'id');
      const fields = parseCourseUpdate(input);
      return authoring(viewer, courseId, `updated: ${Object.keys(fields).join(', ')}`, (tx) => tx.course.update({ where: { id: courseId }, data: fields }));
    },

    /**
     * Appends a lesson. Learners who had completed the course have not completed the new
     * lesson, so no enrolment is complete any more: their completion is undone in the same
     * transaction, keeping the completion counter exact.
     */
    async addLesson(viewer: Viewer, courseId: string, input: { title: string; content: string; durationMinutes?: number | null }): Promise<LessonModel> {
      const id = requireId(courseId, 'courseId');
      const fields = parseLessonInput(input);
      const { lesson, published } = await authoring(viewer, id, `lesson added: ${fields.title}`, async (tx, course) => {
        const created = await tx.lesson.create({ data: { ...fields, courseId: id, position: course.lessonsCount + 1 } });
        await tx.enrollment.updateMany({ where: { courseId: id, completedAt: { not: null } }, data: { completedAt: null } });
        await tx.course.update({ where: { id }, data: { lessonsCount: { increment: 1 }, completedCount: 0 } });
        return { lesson: created, published: course.published };
      });
      if (published) await stats.changed(id);
      return lesson;
    },

    /** Replaces the lesson's quiz (attempts at the old one go with it; completions stay). */
    async setQuiz(viewer: Viewer, lessonId: string, input: Parameters<typeof parseQuizInput>[0]): Promise<LessonModel> {
      const id = requireId(lessonId, 'lessonId');
      const quiz: QuizFields = parseQuizInput(input);
      const courseId = await lessonCourse(id);
      return authoring(viewer, courseId, `quiz set on lesson ${id}`, async (tx) => {
        await tx.quiz.deleteMany({ where: { lessonId: id } });
        await tx.quiz.create({
          data: {
            lessonId: id,
            passingScore: quiz.passingScore,
            questions: { create: quiz.questions.map((question, position) => ({ ...question, position })) },
          },
        });
        return tx.lesson.findUniqueOrThrow({ where: { id } });
      });
    },

    async publish(viewer: Viewer, id: string): Promise<CourseModel> {
      const courseId = requireId(id, 'id');
      return authoring(viewer, courseId, 'published', async (tx, course) => {
        if (course.lessonsCount === 0) throw badUserInput('A course needs at least one lesson to be published.', 'id');
        return tx.course.update({ where: { id: courseId }, data: { published: true } });
      });
    },

    /** Published courses and the viewer's own drafts, newest first; `search` matches part of the title, any case. */
    list(viewer: Viewer | null, search: string | null | undefined, request: PageRequest): Promise<CourseConnectionModel> {
      const term = optionalText(search, { field: 'search', max: 200 });
      const visible: Prisma.CourseWhereInput = viewer ? { OR: [{ published: true }, { instructorId: viewer.id }] } : { published: true };
      // Prisma's `contains` builds a LIKE pattern without escaping: `%` and `_` would be wildcards.
      return page(term ? { AND: [visible, { title: { contains: escapeLikeWildcards(term), mode: 'insensitive' } }] } : visible, request);
    },

    /** A user's courses: drafts too when the viewer is that user or an admin. */
    taught(viewer: Viewer | null, userId: string, request: PageRequest): Promise<CourseConnectionModel> {
      const drafts = viewer !== null && (viewer.id === userId || viewer.role === 'ADMIN');
      return page(drafts ? { instructorId: userId } : { instructorId: userId, published: true }, request);
    },

    /** Published courses, most enrolments first, read from the maintained counter's index. */
    async popular(first: number): Promise<CourseModel[]> {
      if (first === 0) return [];
      return db.course.findMany({ where: { published: true }, orderBy: [{ enrollmentsCount: 'desc' }, { id: 'desc' }], take: first });
    },
  };
}
