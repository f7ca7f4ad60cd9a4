import type { PubSub } from '../../platform/messaging/pubsub.js';
import type { CourseStatsModel } from './models.js';

export const courseStatsChannel = (courseId: string): string => `courseStatsChanged:${courseId}`;

export type CourseStatsPublisher = ReturnType<typeof createCourseStatsPublisher>;

export function createCourseStatsPublisher(pubsub: PubSub) {
  return {
    /** Tells the course's subscribers its counts changed. Call only after the write committed. */
    changed: (courseId: string): Promise<void> => pubsub.publish(courseStatsChannel(courseId), { courseId } satisfies CourseStatsModel),
    subscribe: (courseId: string) => pubsub.subscribe<CourseStatsModel>(courseStatsChannel(courseId)),
  };
}
