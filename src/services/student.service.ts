import { In, type DataSource } from 'typeorm';
import { isUniqueViolation } from '../db/errors';
import { CourseEnrollment } from '../entities/course-enrollment.entity';
import { FaceSample } from '../entities/face-sample.entity';
import { PhotoFace } from '../entities/photo-face.entity';
import { Student } from '../entities/student.entity';
import type { Logger } from '../observability/logger';
import type { FileStorage } from '../storage/file-storage';
import type { CourseService } from './course.service';
import { assertId, DomainError, ErrorCode, notFound } from './domain-error';
import type { Page, PageRequest } from './page';
import type { RosterService } from './roster.service';

export interface AddStudentInput {
  courseId: string;
  externalId: string;
  name: string;
  email?: string | null;
  consent: boolean;
}

export class StudentService {
  private readonly log: Logger;

  constructor(
    private readonly dataSource: DataSource,
    private readonly courses: CourseService,
    private readonly roster: RosterService,
    private readonly storage: FileStorage,
    private readonly model: () => string,
    logger: Logger,
  ) {
    this.log = logger.child({ module: StudentService.name });
  }

  /** Creates a student with recorded biometric consent and enrolls them in a course, atomically. */
  async add(institutionId: string, input: AddStudentInput, recordedBy: string): Promise<Student> {
    if (!input.consent) {
      throw new DomainError(
        ErrorCode.CONSENT_REQUIRED,
        'Biometric consent must be recorded before a student can be added',
        { field: 'consent' },
      );
    }
    const course = await this.courses.get(institutionId, input.courseId);
    try {
      const student = await this.dataSource.transaction(async (m) => {
        const created = await m.save(
          m.create(Student, {
            institutionId,
            externalId: input.externalId.trim(),
            name: input.name.trim(),
            email: input.email ?? null,
            consentGivenAt: new Date(),
            consentRecordedBy: recordedBy,
          }),
        );
        await m.insert(CourseEnrollment, { courseId: course.id, studentId: created.id });
        return created;
      });
      await this.roster.invalidateCourses([course.id], this.model());
      return student;
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(
          ErrorCode.CONFLICT,
          `A student with externalId ${input.externalId} already exists; use enrollStudent to add them to another course`,
          { field: 'externalId' },
        );
      }
      throw error;
    }
  }

  /** Adds an existing student to another course. */
  async enroll(institutionId: string, courseId: string, studentId: string): Promise<Student> {
    const course = await this.courses.get(institutionId, courseId);
    const student = await this.get(institutionId, studentId);
    try {
      await this.dataSource.getRepository(CourseEnrollment).insert({ courseId: course.id, studentId });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(ErrorCode.CONFLICT, 'The student is already enrolled in this course');
      }
      throw error;
    }
    await this.roster.invalidateCourses([course.id], this.model());
    return student;
  }

  async get(institutionId: string, id: string): Promise<Student> {
    assertId('Student', id);
    const student = await this.dataSource.getRepository(Student).findOneBy({ id, institutionId });
    if (!student) {
      throw notFound('Student', id);
    }
    return student;
  }

  async listByCourse(institutionId: string, courseId: string, page: PageRequest): Promise<Page<Student>> {
    const course = await this.courses.get(institutionId, courseId);
    const qb = this.dataSource
      .getRepository(Student)
      .createQueryBuilder('s')
      .innerJoin(CourseEnrollment, 'e', 'e.student_id = s.id AND e.course_id = :courseId', {
        courseId: course.id,
      })
      .orderBy('s.name', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .skip(page.skip)
      .take(page.take);
    const [items, total] = await qb.getManyAndCount();
    return { items, total, hasMore: page.skip + items.length < total };
  }

  /**
   * Deletes a student and, in the same step, every trace of their face data: profile faces and
   * embeddings, class-photo faces matched or proposed to them, their thumbnails on disk and cached rosters.
   */
  async delete(institutionId: string, id: string): Promise<boolean> {
    const student = await this.get(institutionId, id);
    // Rosters are keyed by course, found through enrollments, which the delete cascades away.
    await this.roster.invalidateForStudents([student.id], this.model());
    const keys = await this.dataSource.transaction(async (m) => {
      const samples = await m.find(FaceSample, {
        select: { thumbnailKey: true },
        where: { studentId: student.id },
      });
      const faces = await m.find(PhotoFace, {
        select: { thumbnailKey: true },
        where: [{ studentId: student.id }, { candidateStudentId: student.id }],
      });
      await m.delete(PhotoFace, { studentId: student.id });
      await m.delete(PhotoFace, { candidateStudentId: student.id });
      await m.delete(Student, { id: student.id });
      return [...samples, ...faces].map((f) => f.thumbnailKey);
    });
    await this.storage.delete(keys);
    this.log.info({ studentId: student.id, files: keys.length }, 'student and face data deleted');
    return true;
  }

  /** Students of the institution by id, for batch resolvers. */
  byIds(institutionId: string, ids: string[]): Promise<Student[]> {
    return this.dataSource.getRepository(Student).findBy({ id: In(ids), institutionId });
  }
}
