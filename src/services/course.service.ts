import type { DataSource } from 'typeorm';
import { isUniqueViolation } from '../db/errors';
import { Course } from '../entities/course.entity';
import { Institution } from '../entities/institution.entity';
import { assertId, DomainError, ErrorCode, notFound } from './domain-error';
import type { Page, PageRequest } from './page';

export class CourseService {
  constructor(private readonly dataSource: DataSource) {}

  async defaultInstitution(): Promise<Institution> {
    return this.dataSource.getRepository(Institution).findOneByOrFail({ slug: 'default' });
  }

  async create(institutionId: string, input: { code: string; name: string }): Promise<Course> {
    const repo = this.dataSource.getRepository(Course);
    try {
      return await repo.save(
        repo.create({ institutionId, code: input.code.trim(), name: input.name.trim() }),
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

  async get(institutionId: string, id: string): Promise<Course> {
    assertId('Course', id);
    const course = await this.dataSource.getRepository(Course).findOneBy({ id, institutionId });
    if (!course) {
      throw notFound('Course', id);
    }
    return course;
  }

  async list(institutionId: string, page: PageRequest): Promise<Page<Course>> {
    const [items, total] = await this.dataSource.getRepository(Course).findAndCount({
      where: { institutionId },
      order: { code: 'ASC' },
      skip: page.skip,
      take: page.take,
    });
    return { items, total, hasMore: page.skip + items.length < total };
  }
}
