import type { SubgraphContext } from '../../platform/subgraph/graphql-server.js';
import type { Analytics } from './analytics.js';
import type { CourseStatsPublisher } from './course-stats.js';
import type { Courses } from './courses.js';
import type { Learning } from './learning.js';
import type { Loaders } from './loaders.js';

/** A courses request: the viewer and its DataLoaders, plus the domain services built at start. */
export interface Context extends SubgraphContext {
  loaders: Loaders;
  courses: Courses;
  learning: Learning;
  analytics: Analytics;
  stats: CourseStatsPublisher;
}
