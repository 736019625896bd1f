import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';

@InputType()
export class ScheduleSlotInput {
  @Field(() => Int, { description: 'ISO weekday: 1 = Monday ... 7 = Sunday.' })
  weekday: number;

  @Field({ description: 'Local start time, HH:MM.' })
  start: string;

  @Field({ description: 'Local end time, HH:MM (24:00 for midnight).' })
  end: string;

  @Field(() => Int, { nullable: true, description: 'Arrivals this many minutes after the start are LATE.' })
  lateAfterMinutes?: number | null;
}

@ObjectType()
export class ScheduleSlot {
  @Field(() => ID)
  id: string;
  @Field(() => Int)
  weekday: number;
  @Field()
  start: string;
  @Field()
  end: string;
  @Field(() => Int, { nullable: true })
  lateAfterMinutes: number | null;
}

@ObjectType({
  description: "A course's weekly timetable; sessions open and close on their own at slot times.",
})
export class CourseScheduleType {
  @Field(() => ID)
  courseId: string;
  @Field(() => String, { nullable: true, description: 'IANA time zone of the slot times.' })
  timezone: string | null;
  @Field(() => String, { nullable: true, description: 'Term start (from OneRoster academicSessions).' })
  termStart: string | null;
  @Field(() => String, { nullable: true })
  termEnd: string | null;
  @Field(() => [ScheduleSlot])
  slots: ScheduleSlot[];
}
