// What the courses resolvers return for each GraphQL type (codegen mappers, see scripts/resolver-types.ts).
import type { Course, Enrollment, Lesson, Quiz, QuizAttempt, QuizQuestion } from '../../prisma/courses/generated/client.js';
import type { Connection } from '../../platform/pagination.js';

export type CourseModel = Course;
export type LessonModel = Lesson;
export type QuizModel = Quiz;
export type QuizAttemptModel = QuizAttempt;
export type EnrollmentModel = Enrollment;

/** A question as learners see it: the correct choice is left out of the type, so no resolver can return it. */
export type QuizQuestionModel = Pick<QuizQuestion, 'id' | 'prompt' | 'choices'>;

export type CourseConnectionModel = Connection<CourseModel>;
export type EnrollmentConnectionModel = Connection<EnrollmentModel>;

/** A user as courses knows one: its key. */
export interface UserReference {
  id: string;
}

export interface LessonCompletionModel {
  lesson: LessonModel;
  completedCount: number;
}

export interface CourseAnalyticsModel {
  course: CourseModel;
  enrollmentsCount: number;
  completionRate: number;
  averageProgress: number;
  lessonCompletion: LessonCompletionModel[];
  averageQuizScore: number | null;
  atRiskLearners: number;
  medianDaysToComplete: number | null;
}

/**
 * The payload of a `courseStatsChanged` event: only the entity key. The counts are read when
 * the event is executed, so a late event can never show older counts than an early one.
 */
export interface CourseStatsModel {
  courseId: string;
}

export type { PlatformStatsReference } from '../../contracts/platform-stats.js';
