import type { DataSource, FindOptionsWhere } from 'typeorm';
import { assertCourse, CourseAction, courseFilter, requireAuthenticated, requireStaff } from '../auth/access';
import type { Viewer } from '../auth/viewer';
import { isUniqueViolation } from '../db/errors';
import { Course } from '../entities/course.entity';
import { Institution } from '../entities/institution.entity';
import { Role, User } from '../entities/user.entity';
import { assertId, DomainError, ErrorCode, notFound } from './domain-error';
import type { Page, PageRequest } from './page';

export class CourseService {
  constructor(private readonly dataSource: DataSource) {}

  async defaultInstitution(): Promise<Institution> {
    return this.dataSource.getRepository(Institution).findOneByOrFail({ slug: 'default' });
  }

  /** A teacher's course is theirs; an admin may name its teacher (or leave it to themselves). */
  async create(
    viewer: Viewer,
    input: { code: string; name: string; teacherId?: string | null },
  ): Promise<Course> {
    const staff = requireStaff(viewer);
    let teacherId = staff.kind === 'user' && staff.role === Role.TEACHER ? staff.userId : null;
    if (input.teacherId) {
      if (staff.kind === 'user' && staff.role === Role.TEACHER && input.teacherId !== staff.userId) {
        throw new DomainError(ErrorCode.FORBIDDEN, 'Teachers create courses for themselves');
      }
      assertId('User', input.teacherId);
      const teacher = await this.dataSource
        .getRepository(User)
        .findOneBy({ id: input.teacherId, institutionId: staff.institutionId });
      if (!teacher) {
        throw notFound('User', input.teacherId);
      }
      teacherId = teacher.id;
    }
    const repo = this.dataSource.getRepository(Course);
    try {
      return await repo.save(
        repo.create({
          institutionId: staff.institutionId,
          code: input.code.trim(),
          name: input.name.trim(),
          teacherId,
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(ErrorCode.CONFLICT, `A course with code ${input.code} already exists`, {
          field: 'code',
        });
      }
      throw error;
    }
  }

  /** The course, when the viewer may perform `action` on it. */
  async get(viewer: Viewer, id: string, action = CourseAction.READ): Promise<Course> {
    const v = requireAuthenticated(viewer);
    assertId('Course', id);
    const course = await this.dataSource
      .getRepository(Course)
      .findOneBy({ id, institutionId: v.institutionId });
    if (!course) {
      throw notFound('Course', id);
    }
    assertCourse(v, course, action);
    return course;
  }

  /** The courses the viewer may read: all for admins, their own for teachers, the key's for keys. */
  async list(viewer: Viewer, page: PageRequest): Promise<Page<Course>> {
    const where = this.visibleTo(viewer);
    if (!where) {
      return { items: [], total: 0, hasMore: false };
    }
    const [items, total] = await this.dataSource.getRepository(Course).findAndCount({
      where,
      order: { code: 'ASC' },
      skip: page.skip,
      take: page.take,
    });
    return { items, total, hasMore: page.skip + items.length < total };
  }

  /** A filter for the courses `viewer` may `action` (READ: exactly what `get` allows); null when none. */
  visibleTo(viewer: Viewer, action = CourseAction.READ): FindOptionsWhere<Course> | null {
    return courseFilter(requireAuthenticated(viewer), action);
  }
}
