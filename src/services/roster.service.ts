import type { DataSource } from 'typeorm';
import type { Cache } from '../cache/cache';
import { CourseEnrollment } from '../entities/course-enrollment.entity';
import type { RosterProfile } from '../inference/matcher';
import type { Loaders } from '../loaders';

export type RosterEntry = RosterProfile;

/**
 * The key names the model set: when a model is added or fails to load, rosters of the old set are
 * simply never read again (they expire) instead of being served without the new model.
 */
const rosterKey = (courseId: string, models: readonly string[]) =>
  `roster:${[...models].sort().join('+')}:${courseId}`;

/**
 * The recognition profiles of a course's enrolled students, as the matcher needs them: every
 * configured model's embeddings per student. Cached (in Redis when configured, so every instance
 * sees an invalidation at once) and invalidated whenever enrollment or faces change.
 */
export class RosterService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cache: Cache,
    private readonly ttlSeconds: number,
    /** The configured models (the engine's loaded ones). */
    private readonly models: () => readonly string[],
  ) {}

  async forCourse(courseId: string, loaders: Loaders): Promise<RosterEntry[]> {
    const key = rosterKey(courseId, this.models());
    const cached = await this.cache.get<RosterEntry[]>(key);
    if (cached) {
      return cached;
    }
    const enrollments = await this.dataSource.getRepository(CourseEnrollment).findBy({ courseId });
    const profiles = await loaders.embeddings.loadMany(enrollments.map((e) => e.studentId));
    const roster: RosterEntry[] = [];
    for (const profile of profiles) {
      if (profile instanceof Error) {
        throw profile;
      }
      // A student without a model's embedding yet (re-embedding pending) still matches on the others.
      if (Object.values(profile.embeddings).some((list) => list.length > 0)) {
        roster.push(profile);
      }
    }
    await this.cache.set(key, roster, this.ttlSeconds);
    return roster;
  }

  /** Drops cached rosters of every course the students are in (after enrollment, faces or deletion change). */
  async invalidateForStudents(studentIds: string[]): Promise<void> {
    await this.invalidateCourses(await this.coursesOf(studentIds));
  }

  /** The courses the students are enrolled in. */
  async coursesOf(studentIds: string[]): Promise<string[]> {
    if (studentIds.length === 0) {
      return [];
    }
    const enrollments = await this.dataSource
      .getRepository(CourseEnrollment)
      .createQueryBuilder('e')
      .where('e.student_id IN (:...ids)', { ids: studentIds })
      .getMany();
    return [...new Set(enrollments.map((e) => e.courseId))];
  }

  async invalidateCourses(courseIds: string[]): Promise<void> {
    await this.cache.delete(...courseIds.map((id) => rosterKey(id, this.models())));
  }

  /** The cache key of a course's roster under the current model set (tests, operations). */
  cacheKey(courseId: string): string {
    return rosterKey(courseId, this.models());
  }
}
