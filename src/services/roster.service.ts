import type { DataSource } from 'typeorm';
import type { Cache } from '../cache/cache';
import { CourseEnrollment } from '../entities/course-enrollment.entity';
import type { Loaders } from '../loaders';

export interface RosterEntry {
  studentId: string;
  descriptors: number[][];
}

const rosterKey = (courseId: string, model: string) => `roster:${model}:${courseId}`;

/**
 * The recognition profiles of a course's enrolled students, as the matcher needs them. Cached
 * (in Redis when configured, so every instance sees an invalidation at once) and invalidated
 * whenever enrollment or faces change.
 */
export class RosterService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cache: Cache,
    private readonly ttlSeconds: number,
  ) {}

  async forCourse(courseId: string, model: string, loaders: Loaders): Promise<RosterEntry[]> {
    const key = rosterKey(courseId, model);
    const cached = await this.cache.get<RosterEntry[]>(key);
    if (cached) {
      return cached;
    }
    const enrollments = await this.dataSource.getRepository(CourseEnrollment).findBy({ courseId });
    const profiles = await loaders.embeddings.loadMany(enrollments.map((e) => `${model}:${e.studentId}`));
    const roster: RosterEntry[] = [];
    for (const profile of profiles) {
      if (profile instanceof Error) {
        throw profile;
      }
      if (profile.descriptors.length > 0) {
        roster.push({ studentId: profile.studentId, descriptors: profile.descriptors });
      }
    }
    await this.cache.set(key, roster, this.ttlSeconds);
    return roster;
  }

  /** Drops cached rosters of every course the students are in (after enrollment, faces or deletion change). */
  async invalidateForStudents(studentIds: string[], model: string): Promise<void> {
    await this.invalidateCourses(await this.coursesOf(studentIds), model);
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

  async invalidateCourses(courseIds: string[], model: string): Promise<void> {
    await this.cache.delete(...courseIds.map((id) => rosterKey(id, model)));
  }
}
