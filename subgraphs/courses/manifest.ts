import type { SubgraphManifest } from '../../platform/subgraph/manifest.js';
import { loadCoursesConfig } from './config.js';
import { startCoursesSubgraph } from './subgraph.js';

export const manifest: SubgraphManifest = {
  name: 'courses',
  port: 4006,
  // A write's token is checked against users: its account must still exist.
  calls: ['users'],
  mappers: {
    PlatformStats: 'PlatformStatsReference',
    Course: 'CourseModel',
    CourseConnection: 'CourseConnectionModel',
    CourseAnalytics: 'CourseAnalyticsModel',
    CourseStats: 'CourseStatsModel',
    Enrollment: 'EnrollmentModel',
    EnrollmentConnection: 'EnrollmentConnectionModel',
    Lesson: 'LessonModel',
    LessonCompletion: 'LessonCompletionModel',
    Quiz: 'QuizModel',
    QuizAttempt: 'QuizAttemptModel',
    QuizQuestion: 'QuizQuestionModel',
    User: 'UserReference',
  },
  start: (env, runtime = {}) => startCoursesSubgraph(loadCoursesConfig(env, manifest), runtime),
};
