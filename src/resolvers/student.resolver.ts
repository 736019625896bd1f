import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { FaceSample } from '../entities/face-sample.entity';
import { Student } from '../entities/student.entity';
import type { Context } from '../schema/context';
import { AddStudentInput } from '../schema/inputs/course.input';
import { GraphQLUpload, readUpload, type FileUpload } from '../schema/upload';
import type { EnrollmentService } from '../services/enrollment.service';
import type { StudentService } from '../services/student.service';

@Resolver(() => Student)
export class StudentResolver {
  constructor(
    private readonly students: StudentService,
    private readonly enrollment: EnrollmentService,
    private readonly maxUploadBytes: number,
  ) {}

  @Query(() => Student)
  student(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Student> {
    return this.students.get(ctx.institutionId, id);
  }

  @Mutation(() => Student, { description: 'Creates a student (consent required) enrolled in a course.' })
  addStudent(@Arg('input') input: AddStudentInput, @Ctx() ctx: Context): Promise<Student> {
    return this.students.add(ctx.institutionId, input, ctx.actor);
  }

  @Mutation(() => Student, { description: 'Adds an existing student to another course.' })
  enrollStudent(
    @Arg('courseId', () => ID) courseId: string,
    @Arg('studentId', () => ID) studentId: string,
    @Ctx() ctx: Context,
  ): Promise<Student> {
    return this.students.enroll(ctx.institutionId, courseId, studentId);
  }

  @Mutation(() => Boolean, { description: 'Deletes a student with all their photos, faces and embeddings.' })
  deleteStudent(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return this.students.delete(ctx.institutionId, id);
  }

  @Mutation(() => [FaceSample], {
    description: 'Adds face photos to a student profile. Each photo must show the student alone, clearly.',
  })
  async enrollFaces(
    @Arg('studentId', () => ID) studentId: string,
    @Arg('photos', () => [GraphQLUpload]) photos: Promise<FileUpload>[],
    @Ctx() ctx: Context,
  ): Promise<FaceSample[]> {
    // Check the student before reading uploads, so an unknown id fails fast.
    await this.students.get(ctx.institutionId, studentId);
    const buffers = [];
    for (const [index, photo] of photos.entries()) {
      buffers.push(await readUpload(photo, this.maxUploadBytes, index));
    }
    return this.enrollment.enrollFaces(ctx.institutionId, studentId, buffers);
  }

  @Mutation(() => Boolean)
  deleteFace(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return this.enrollment.deleteFace(ctx.institutionId, id);
  }

  @FieldResolver(() => [FaceSample])
  faces(@Root() student: Student, @Ctx() ctx: Context): Promise<FaceSample[]> {
    return this.enrollment.listFaces(ctx.institutionId, student.id);
  }
}
