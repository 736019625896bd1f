import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { assertMayViewFaces, requireStaff } from '../auth/access';
import { FaceSample } from '../entities/face-sample.entity';
import { Student } from '../entities/student.entity';
import type { Context } from '../schema/context';
import { AddStudentInput } from '../schema/inputs/course.input';
import { FaceAssessment } from '../schema/types/face-assessment.type';
import { StudentDataExport } from '../schema/types/student-data-export.type';
import { GraphQLUpload, readUpload, type FileUpload } from '../schema/upload';
import { DomainError, ErrorCode } from '../services/domain-error';
import type { EnrollmentService } from '../services/enrollment.service';
import type { MediaService } from '../services/media.service';
import type { StudentService } from '../services/student.service';

const IMAGE_VERDICTS = new Set<ErrorCode>([ErrorCode.INVALID_IMAGE, ErrorCode.IMAGE_TOO_LARGE]);

@Resolver(() => Student)
export class StudentResolver {
  constructor(
    private readonly students: StudentService,
    private readonly enrollment: EnrollmentService,
    private readonly maxUploadBytes: number,
  ) {}

  @Query(() => Student)
  student(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Student> {
    return this.students.get(ctx.viewer, id);
  }

  @Mutation(() => Student, { description: 'Creates a student (consent required) enrolled in a course.' })
  addStudent(@Arg('input') input: AddStudentInput, @Ctx() ctx: Context): Promise<Student> {
    return this.students.add(ctx.viewer, input);
  }

  @Mutation(() => Student, { description: 'Adds an existing student to another course.' })
  enrollStudent(
    @Arg('courseId', () => ID) courseId: string,
    @Arg('studentId', () => ID) studentId: string,
    @Ctx() ctx: Context,
  ): Promise<Student> {
    return this.students.enroll(ctx.viewer, courseId, studentId);
  }

  @Mutation(() => Boolean, { description: 'Deletes a student with all their photos, faces and embeddings.' })
  deleteStudent(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return this.students.delete(ctx.viewer, id);
  }

  @Mutation(() => [FaceSample], {
    description: 'Adds face photos to a student profile. Each photo must show the student alone, clearly.',
  })
  async enrollFaces(
    @Arg('studentId', () => ID) studentId: string,
    @Arg('photos', () => [GraphQLUpload]) photos: Promise<FileUpload>[],
    @Ctx() ctx: Context,
  ): Promise<FaceSample[]> {
    // Check the student (and consent) before reading uploads or spending inference budget.
    await this.enrollment.enrollable(ctx.viewer, studentId);
    const buffers = [];
    for (const [index, photo] of photos.entries()) {
      buffers.push(await readUpload(photo, this.maxUploadBytes, index));
    }
    await ctx.admitInference(buffers);
    return this.enrollment.enrollFaces(ctx.viewer, studentId, buffers);
  }

  @Mutation(() => FaceAssessment, {
    description: 'Checks a photo as enrollment would (one face, good quality) without storing anything.',
  })
  async assessFace(
    @Arg('photo', () => GraphQLUpload) photo: Promise<FileUpload>,
    @Ctx() ctx: Context,
  ): Promise<FaceAssessment> {
    requireStaff(ctx.viewer);
    const bytes = await readUpload(photo, this.maxUploadBytes);
    try {
      await ctx.admitInference([bytes]);
    } catch (error) {
      // An unreadable or oversized photo is a verdict of the assessment, as enrollment gives it.
      if (error instanceof DomainError && IMAGE_VERDICTS.has(error.code)) {
        return { ok: false, code: error.code, message: error.message, issues: [], quality: null, box: null };
      }
      throw error;
    }
    return this.enrollment.assess(ctx.viewer, bytes);
  }

  @Mutation(() => Student, {
    description: 'Withdraws biometric consent: deletes every face photo and embedding of the student now.',
  })
  withdrawConsent(@Arg('studentId', () => ID) studentId: string, @Ctx() ctx: Context): Promise<Student> {
    return this.students.withdrawConsent(ctx.viewer, studentId);
  }

  @Mutation(() => Student, { description: 'Records biometric consent again after a withdrawal.' })
  giveConsent(@Arg('studentId', () => ID) studentId: string, @Ctx() ctx: Context): Promise<Student> {
    return this.students.giveConsent(ctx.viewer, studentId);
  }

  @Query(() => StudentDataExport, { description: 'Everything kept about one student, with download links.' })
  async studentDataExport(
    @Arg('studentId', () => ID) studentId: string,
    @Ctx() ctx: Context,
  ): Promise<StudentDataExport> {
    return { exportedAt: new Date(), ...(await this.students.exportData(ctx.viewer, studentId)) };
  }

  @Mutation(() => Boolean)
  deleteFace(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return this.enrollment.deleteFace(ctx.viewer, id);
  }

  @FieldResolver(() => [FaceSample])
  faces(@Root() student: Student, @Ctx() ctx: Context): Promise<FaceSample[]> {
    return this.enrollment.listFaces(ctx.viewer, student.id);
  }
}

@Resolver(() => FaceSample)
export class FaceSampleResolver {
  constructor(private readonly media: MediaService) {}

  @FieldResolver(() => String, {
    description: 'A short-lived link to the face photo (signed; no header needed).',
  })
  async imageUrl(@Root() face: FaceSample, @Ctx() ctx: Context): Promise<string> {
    assertMayViewFaces(ctx.viewer);
    await this.media.noteFacesViewed(ctx.viewer, face.studentId);
    return ctx.mediaUrl('face-samples', face.id);
  }
}
