import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../schema/context';
import { CourseScheduleType, ScheduleSlotInput } from '../schema/types/timetable.type';
import { formatMinutes, type CourseSchedule, type TimetableService } from '../services/timetable.service';

const toType = (s: CourseSchedule): CourseScheduleType => ({
  ...s,
  slots: s.slots.map((slot) => ({
    id: slot.id,
    weekday: slot.weekday,
    start: formatMinutes(slot.startMinute),
    end: formatMinutes(slot.endMinute),
    lateAfterMinutes: slot.lateAfterMinutes,
  })),
});

@Resolver(() => CourseScheduleType)
export class TimetableResolver {
  constructor(private readonly timetable: TimetableService) {}

  @Query(() => CourseScheduleType)
  async courseSchedule(
    @Arg('courseId', () => ID) courseId: string,
    @Ctx() ctx: Context,
  ): Promise<CourseScheduleType> {
    return toType(await this.timetable.get(ctx.viewer, courseId));
  }

  @Mutation(() => CourseScheduleType, {
    description: "Replaces a course's weekly slots (an empty list clears them).",
  })
  async setCourseSchedule(
    @Arg('courseId', () => ID) courseId: string,
    @Arg('timezone', { description: 'IANA time zone, e.g. Europe/Paris.' }) timezone: string,
    @Arg('slots', () => [ScheduleSlotInput]) slots: ScheduleSlotInput[],
    @Ctx() ctx: Context,
  ): Promise<CourseScheduleType> {
    return toType(await this.timetable.set(ctx.viewer, courseId, timezone, slots));
  }
}
