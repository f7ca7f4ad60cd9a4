// The courses domain's section. Shown only when the supergraph has courses (see features.ts):
// written against the contract's field names, it lights up once the courses subgraph is merged.
import { gql } from '@apollo/client';
import { useQuery, useSubscription } from '@apollo/client/react';
import { Bar, Ring } from '../charts.js';

interface CourseView {
  id: string;
  title: string;
  enrollmentsCount: number;
  completionRate: number;
}

const POPULAR_COURSES = gql`query PopularCourses { popularCourses(first: 4) { id title enrollmentsCount completionRate } }`;
const COURSE_STATS = gql`
  subscription CourseStats($courseId: ID!) {
    courseStatsChanged(courseId: $courseId) { enrollmentsCount completionRate course { id enrollmentsCount completionRate } }
  }
`;

function CourseRow({ course, top }: { course: CourseView; top: number }) {
  useSubscription(COURSE_STATS, { variables: { courseId: course.id } });
  return (
    <li className="course">
      <Ring share={course.completionRate} label={`${course.title} completion`} testId={`completion-${course.id}`} />
      <Bar share={course.enrollmentsCount / top} label={course.title} value={`${course.enrollmentsCount} enrolled`} dataValue={course.enrollmentsCount} testId={`enrollments-${course.id}`} tone="enrolments" />
    </li>
  );
}

/** The most popular courses: enrolments as bars, completion as rings. */
export function CourseStats() {
  const { data, error } = useQuery<{ popularCourses: CourseView[] }>(POPULAR_COURSES);
  const courses = data?.popularCourses ?? [];
  const top = Math.max(1, ...courses.map((course) => course.enrollmentsCount));
  return (
    <section className="card" aria-labelledby="courses-title">
      <h2 id="courses-title">Courses</h2>
      {error && <p className="error">{error.message}</p>}
      {data && courses.length === 0 && <p className="empty">No published courses yet.</p>}
      <ul className="bars">
        {courses.map((course) => (
          <CourseRow key={course.id} course={course} top={top} />
        ))}
      </ul>
    </section>
  );
}
