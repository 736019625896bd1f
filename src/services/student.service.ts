import type { DataSource, EntityManager } from 'typeorm';
import {
  assertMayViewFaces,
  canOnCourse,
  CourseAction,
  courseFilter,
  forbidden,
  requireAdmin,
  requireAuthenticated,
} from '../auth/access';
import { actorLabel, isAdmin, type AuthenticatedViewer, type Viewer } from '../auth/viewer';
import { isUniqueViolation } from '../db/errors';
import { AttendanceRecord } from '../entities/attendance-record.entity';
import { AttendanceSession } from '../entities/attendance-session.entity';
import { CourseEnrollment } from '../entities/course-enrollment.entity';
import { Course } from '../entities/course.entity';
import { FaceSample } from '../entities/face-sample.entity';
import { PhotoFace } from '../entities/photo-face.entity';
import { Student } from '../entities/student.entity';
import type { Logger } from '../observability/logger';
import type { FileStorage } from '../storage/file-storage';
import { AuditAction, type AuditService } from './audit.service';
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
    private readonly audit: AuditService,
    logger: Logger,
  ) {
    this.log = logger.child({ module: StudentService.name });
  }

  /** Creates a student with recorded biometric consent and enrolls them in a course, atomically. */
  async add(viewer: Viewer, input: AddStudentInput): Promise<Student> {
    const course = await this.courses.get(viewer, input.courseId, CourseAction.MANAGE);
    const recorder = requireAuthenticated(viewer);
    if (!input.consent) {
      throw new DomainError(
        ErrorCode.CONSENT_REQUIRED,
        'Biometric consent must be recorded before a student can be added',
        { field: 'consent' },
      );
    }
    try {
      const student = await this.dataSource.transaction(async (m) => {
        const created = await m.save(
          m.create(Student, {
            institutionId: course.institutionId,
            externalId: input.externalId.trim(),
            name: input.name.trim(),
            email: input.email ?? null,
            consentGivenAt: new Date(),
            consentRecordedBy: actorLabel(recorder),
          }),
        );
        await m.insert(CourseEnrollment, { courseId: course.id, studentId: created.id });
        return created;
      });
      await this.roster.invalidateCourses([course.id]);
      return student;
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(
          ErrorCode.CONFLICT,
          `A student with the number ${input.externalId} already exists; import the class list to add them to this course`,
          { field: 'externalId' },
        );
      }
      throw error;
    }
  }

  /** Adds an existing student to another course. */
  async enroll(viewer: Viewer, courseId: string, studentId: string): Promise<Student> {
    const course = await this.courses.get(viewer, courseId, CourseAction.MANAGE);
    const student = await this.get(viewer, studentId, CourseAction.MANAGE);
    try {
      await this.dataSource.getRepository(CourseEnrollment).insert({ courseId: course.id, studentId });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(ErrorCode.CONFLICT, 'The student is already enrolled in this course');
      }
      throw error;
    }
    await this.roster.invalidateCourses([course.id]);
    return student;
  }

  /**
   * The student, when the viewer may perform `action` on one of the student's courses (admins:
   * any student of their institution).
   */
  async get(viewer: Viewer, id: string, action = CourseAction.READ): Promise<Student> {
    const v = requireAuthenticated(viewer);
    assertId('Student', id);
    const student = await this.dataSource
      .getRepository(Student)
      .findOneBy({ id, institutionId: v.institutionId });
    if (!student) {
      throw notFound('Student', id);
    }
    if (!isAdmin(v) && !(await this.reachable(v, student.id, action))) {
      throw forbidden('The student is not in one of your courses');
    }
    return student;
  }

  private async reachable(
    viewer: AuthenticatedViewer,
    studentId: string,
    action: CourseAction,
  ): Promise<boolean> {
    const courses = await this.dataSource
      .getRepository(Course)
      .createQueryBuilder('c')
      .innerJoin(CourseEnrollment, 'e', 'e.course_id = c.id AND e.student_id = :studentId', { studentId })
      .getMany();
    return courses.some((c) => canOnCourse(viewer, c, action));
  }

  async listByCourse(viewer: Viewer, courseId: string, page: PageRequest): Promise<Page<Student>> {
    const course = await this.courses.get(viewer, courseId);
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
  async delete(viewer: Viewer, id: string): Promise<boolean> {
    const admin = requireAdmin(viewer);
    const student = await this.get(admin, id);
    // Rosters are keyed by course, found through enrollments, which the delete cascades away. They
    // are dropped again after the commit, in case a photo being matched meanwhile cached them anew.
    const courseIds = await this.roster.coursesOf([student.id]);
    await this.roster.invalidateCourses(courseIds);
    const keys = await this.dataSource.transaction(async (m) => {
      const files = await this.purgeFaceData(m, student.id);
      await m.delete(Student, { id: student.id });
      await this.audit.record(
        admin,
        AuditAction.STUDENT_DELETED,
        { type: 'Student', id: student.id },
        null,
        m,
      );
      return files;
    });
    await this.roster.invalidateCourses(courseIds);
    await this.storage.delete(keys);
    this.log.info({ studentId: student.id, files: keys.length }, 'student and face data deleted');
    return true;
  }

  /**
   * Withdraws biometric consent: the student stays (with their attendance history) but every face
   * photo and embedding of theirs is deleted, and no new face can be enrolled until consent is given again.
   */
  async withdrawConsent(viewer: Viewer, id: string): Promise<Student> {
    const student = await this.get(viewer, id, CourseAction.MANAGE);
    const actor = requireAuthenticated(viewer);
    const courseIds = await this.roster.coursesOf([student.id]);
    await this.roster.invalidateCourses(courseIds);
    const keys = await this.dataSource.transaction(async (m) => {
      const files = await this.purgeFaceData(m, student.id);
      await m.update(Student, { id: student.id }, { consentGivenAt: null, consentRecordedBy: null });
      await this.audit.record(
        actor,
        AuditAction.CONSENT_WITHDRAWN,
        { type: 'Student', id: student.id },
        null,
        m,
      );
      return files;
    });
    await this.roster.invalidateCourses(courseIds);
    await this.storage.delete(keys);
    return this.dataSource.getRepository(Student).findOneByOrFail({ id: student.id });
  }

  /** Records consent again (after a withdrawal), so faces may be enrolled. */
  async giveConsent(viewer: Viewer, id: string): Promise<Student> {
    const student = await this.get(viewer, id, CourseAction.MANAGE);
    await this.dataSource
      .getRepository(Student)
      .update(
        { id: student.id },
        { consentGivenAt: new Date(), consentRecordedBy: actorLabel(requireAuthenticated(viewer)) },
      );
    return this.dataSource.getRepository(Student).findOneByOrFail({ id: student.id });
  }

  /** Everything kept about one student, for a subject-access request. Audited. */
  async exportData(
    viewer: Viewer,
    id: string,
  ): Promise<{ student: Student; records: AttendanceRecord[]; faces: FaceSample[] }> {
    const student = await this.get(viewer, id, CourseAction.MANAGE);
    const actor = assertMayViewFaces(viewer);
    // The same scope as the lists: a teacher exports the records of their own courses only (another
    // teacher's notes on a shared student are theirs), an admin those of the whole institution.
    const readable = courseFilter(actor, CourseAction.READ);
    const records = readable
      ? await this.dataSource
          .getRepository(AttendanceRecord)
          .createQueryBuilder('r')
          .innerJoin(AttendanceSession, 's', 's.id = r.session_id')
          .innerJoin(Course, 'c', 'c.id = s.course_id')
          .where('r.student_id = :studentId', { studentId: student.id })
          .andWhere('c.institution_id = :institutionId', { institutionId: readable.institutionId })
          .andWhere(readable.teacherId ? 'c.teacher_id = :teacherId' : 'TRUE', {
            teacherId: readable.teacherId,
          })
          .andWhere(readable.id ? 'c.id = :courseId' : 'TRUE', { courseId: readable.id })
          .getMany()
      : [];
    const faces = await this.dataSource
      .getRepository(FaceSample)
      .find({ where: { studentId: student.id }, order: { createdAt: 'ASC' } });
    await this.audit.record(actor, AuditAction.DATA_EXPORTED, {
      type: 'Student',
      id: student.id,
    });
    return { student, records, faces };
  }

  /** Deletes the face data of a student inside `m`; returns the stored files to remove afterwards. */
  private async purgeFaceData(m: EntityManager, studentId: string): Promise<string[]> {
    const samples = await m.find(FaceSample, {
      select: { thumbnailKey: true, sourceKey: true },
      where: { studentId },
    });
    const faces = await m.find(PhotoFace, {
      select: { thumbnailKey: true },
      where: [{ studentId }, { candidateStudentId: studentId }],
    });
    // Their embeddings (face_embedding, photo_face_embedding) go with the rows, by ON DELETE CASCADE.
    await m.delete(FaceSample, { studentId });
    await m.delete(PhotoFace, { studentId });
    await m.delete(PhotoFace, { candidateStudentId: studentId });
    return [
      ...samples.flatMap((f) => (f.sourceKey ? [f.thumbnailKey, f.sourceKey] : [f.thumbnailKey])),
      ...faces.map((f) => f.thumbnailKey),
    ];
  }
}
