import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Course } from '../entities/course.entity';
import type { Context } from '../schema/context';
import { CreateCourseInput } from '../schema/inputs/course.input';
import { PageArgs } from '../schema/types/page.type';
import { CoursePage, SessionPage, StudentPage } from '../schema/types/pages.type';
import type { AttendanceService } from '../services/attendance.service';
import type { CourseService } from '../services/course.service';
import type { StudentService } from '../services/student.service';

@Resolver(() => Course)
export class CourseResolver {
  constructor(
    private readonly courseService: CourseService,
    private readonly studentService: StudentService,
    private readonly sessionService: AttendanceService,
  ) {}

  @Query(() => CoursePage)
  courses(@Args() page: PageArgs, @Ctx() ctx: Context): Promise<CoursePage> {
    return this.courseService.list(ctx.viewer, page);
  }

  @Query(() => Course)
  course(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Course> {
    return this.courseService.get(ctx.viewer, id);
  }

  @Mutation(() => Course)
  createCourse(@Arg('input') input: CreateCourseInput, @Ctx() ctx: Context): Promise<Course> {
    return this.courseService.create(ctx.viewer, input);
  }

  @FieldResolver(() => StudentPage)
  students(@Root() course: Course, @Args() page: PageArgs, @Ctx() ctx: Context): Promise<StudentPage> {
    return this.studentService.listByCourse(ctx.viewer, course.id, page);
  }

  @FieldResolver(() => SessionPage)
  sessions(@Root() course: Course, @Args() page: PageArgs, @Ctx() ctx: Context): Promise<SessionPage> {
    return this.sessionService.listByCourse(ctx.viewer, course.id, page);
  }
}
