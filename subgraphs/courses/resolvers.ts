import { requireViewer } from '../../platform/auth/token-verifier.js';
import type { Viewer } from '../../platform/auth/token-verifier.js';
import { loadById } from '../../platform/loaders.js';
import { pageRequest, requireId } from '../../platform/pagination.js';
import { DateTime } from '../../platform/scalars.js';
import { platformStatsReference } from '../../contracts/platform-stats.js';
import type { Resolvers } from './__generated__/resolvers-types.js';
import { canSee, visibleCourse } from './access.js';
import type { Loaders } from './loaders.js';
import type { CourseModel } from './models.js';
import { share } from './validation.js';

/** The course `id` names, or null when there is none the viewer may see (someone else's draft). */
async function courseIfVisible(id: string, viewer: Viewer | null, loaders: Loaders): Promise<CourseModel | null> {
  const course = await loadById(loaders.course, id);
  return course && canSee(course, viewer) ? course : null;
}

const completionRate = (course: CourseModel): number => share(course.completedCount, course.enrollmentsCount);

export const resolvers: Resolvers = {
  DateTime,

  Query: {
    course: (_, { id }, { viewer, loaders }) => courseIfVisible(id, viewer, loaders),
    courses: (_, { search, ...args }, { viewer, courses }) => courses.list(viewer, search, pageRequest(args)),
    // The schema's default is 10; an explicit null means the same.
    popularCourses: (_, { first }, { courses }) => courses.popular(pageRequest({ first: first ?? 10 }).first),
    courseAnalytics: (_, { courseId }, { viewer, analytics, loaders }) => analytics.report(requireViewer(viewer), courseId, loaders),
  },

  Mutation: {
    createCourse: (_, { input }, { viewer, courses }) => courses.create(requireViewer(viewer), input),
    updateCourse: (_, { id, input }, { viewer, courses }) => courses.update(requireViewer(viewer), id, input),
    addLesson: (_, { courseId, input }, { viewer, courses }) => courses.addLesson(requireViewer(viewer), courseId, input),
    setLessonQuiz: (_, { lessonId, input }, { viewer, courses }) => courses.setQuiz(requireViewer(viewer), lessonId, input),
    publishCourse: (_, { id }, { viewer, courses }) => courses.publish(requireViewer(viewer), id),
    enroll: (_, { courseId }, { viewer, learning }) => learning.enroll(requireViewer(viewer), courseId),
    unenroll: (_, { courseId }, { viewer, learning }) => learning.unenroll(requireViewer(viewer), courseId),
    completeLesson: (_, { lessonId }, { viewer, learning }) => learning.completeLesson(requireViewer(viewer), lessonId),
    submitQuiz: (_, { lessonId, answers }, { viewer, learning }) => learning.submitQuiz(requireViewer(viewer), lessonId, answers),
  },

  Subscription: {
    courseStatsChanged: {
      // Shared subscriptions run as anonymous: only published courses can be watched.
      subscribe: async (_, { courseId }, { viewer, loaders, stats }) => {
        const id = requireId(courseId, 'courseId');
        visibleCourse(await loaders.course.load(id), viewer);
        return stats.subscribe(id);
      },
      resolve: (event: { courseId: string }) => event,
    },
  },

  CourseStats: {
    course: async (stats, _, { loaders }) => (await loaders.course.load(stats.courseId))!,
    enrollmentsCount: async (stats, _, { loaders }) => (await loaders.course.load(stats.courseId))?.enrollmentsCount ?? 0,
    completionRate: async (stats, _, { loaders }) => {
      const course = await loaders.course.load(stats.courseId);
      return course ? completionRate(course) : 0;
    },
  },

  Course: {
    __resolveReference: ({ id }, { viewer, loaders }) => courseIfVisible(id, viewer, loaders),
    instructor: (course) => ({ id: course.instructorId }),
    lessons: (course, _, { loaders }) => loaders.lessons.load(course.id),
    completionRate,
    viewerEnrollment: (course, _, { loaders }) => loaders.viewerEnrollment.load(course.id),
  },

  Lesson: {
    quiz: (lesson, _, { loaders }) => loaders.quiz.load(lesson.id),
  },

  Quiz: {
    questions: (quiz, _, { loaders }) => loaders.questions.load(quiz.id),
    viewerBestAttempt: (quiz, _, { loaders }) => loaders.viewerBestAttempt.load(quiz.id),
  },

  Enrollment: {
    course: async (enrollment, _, { loaders }) => (await loaders.course.load(enrollment.courseId))!,
    user: (enrollment) => ({ id: enrollment.userId }),
    enrolledAt: (enrollment) => enrollment.createdAt,
    progress: async (enrollment, _, { loaders }) => share(enrollment.completedLessonsCount, (await loaders.course.load(enrollment.courseId))?.lessonsCount ?? 0),
    completedLessons: (enrollment, _, { loaders }) => loaders.completedLessons.load(enrollment.id),
  },

  User: {
    __resolveReference: ({ id }) => ({ id }),
    enrollments: (user, args, { viewer, learning }) => learning.enrollments(viewer, user.id, pageRequest(args)),
    coursesTaught: (user, args, { viewer, courses }) => courses.taught(viewer, user.id, pageRequest(args)),
  },

  PlatformStats: {
    __resolveReference: (reference, { viewer }) => platformStatsReference(reference, viewer),
    courses: (_, __, { loaders }) => loaders.rowCount.load('courses'),
    enrollments: (_, __, { loaders }) => loaders.rowCount.load('enrollments'),
  },
};
