import { IsEmail, IsOptional, Length, Matches, Max, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { AttendanceStatus } from '../../entities/attendance-record.entity';

@InputType()
export class CreateCourseInput {
  @Field({ description: 'Short code, unique in the institution, e.g. CS101.' })
  @Length(1, 40)
  @Matches(/\S/, { message: 'code must not be blank' })
  code: string;

  @Field()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @Field(() => ID, {
    nullable: true,
    description: 'Admins: the teacher who runs it. Teachers own what they create.',
  })
  @IsOptional()
  teacherId?: string | null;
}

@InputType()
export class AddStudentInput {
  @Field(() => ID)
  courseId: string;

  @Field({ description: "The institution's student number; unique in the institution." })
  @Length(1, 100)
  @Matches(/\S/, { message: 'externalId must not be blank' })
  externalId: string;

  @Field()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail()
  email?: string | null;

  @Field({ description: 'The student (or guardian) consented to biometric processing. Required.' })
  consent: boolean;
}

@InputType()
export class StartSessionOptions {
  @Field(() => Int, { nullable: true, description: 'Minutes after opening when arrivals become LATE.' })
  @IsOptional()
  @Min(0)
  @Max(24 * 60)
  lateAfterMinutes?: number | null;
}

@InputType()
export class MarkAttendanceInput {
  @Field(() => ID)
  sessionId: string;

  @Field(() => ID)
  studentId: string;

  @Field(() => AttendanceStatus)
  status: AttendanceStatus;

  @Field(() => String, { nullable: true, description: 'Why (shown in reports).' })
  @IsOptional()
  @Length(0, 500)
  note?: string | null;
}
