import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CourseAction } from '../../src/auth/access';
import { CourseService } from '../../src/services/course.service';
import { ErrorCode } from '../../src/services/domain-error';
import { ApiScope, createWorld, type World } from './world';

// Who may do what to a course, decided in the services on real rows: another institution's records
// answer NOT_FOUND, records of one's own institution one may not use answer FORBIDDEN.

describe(`${CourseService.name} access`, () => {
  let world: World;
  let sut: CourseService;
  let course: { id: string; studentIds: string[] };
  let otherCourse: { id: string; studentIds: string[] };

  beforeAll(async () => {
    world = await createWorld();
    sut = world.courses;
    course = await world.course(1);
    otherCourse = await world.course(0);
  });
  afterAll(async () => {
    await world?.close();
  });

  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: { code?: string }) => e.code ?? 'error',
    );

  it.each([
    ['teacher of the course', 'teacher', CourseAction.MANAGE, 'ok'],
    ['another teacher', 'otherTeacher', CourseAction.READ, ErrorCode.FORBIDDEN],
    ['an admin', 'admin', CourseAction.MANAGE, 'ok'],
    ['another institution', 'outsider', CourseAction.READ, ErrorCode.NOT_FOUND],
    ['the system', 'system', CourseAction.MANAGE, 'ok'],
  ] as const)('%s: %s -> %s', async (_, who, action, expected) => {
    expect(await outcome(sut.get(world[who], course.id, action))).toBe(expected);
  });

  it('gives API keys only what their scopes and course allow, and never management', async () => {
    const read = world.key([ApiScope.ATTENDANCE_READ]);
    const submit = world.key([ApiScope.PHOTOS_SUBMIT]);
    const pinned = world.key([ApiScope.ATTENDANCE_READ], otherCourse.id);
    expect(await outcome(sut.get(read, course.id, CourseAction.READ))).toBe('ok');
    expect(await outcome(sut.get(read, course.id, CourseAction.MANAGE))).toBe(ErrorCode.FORBIDDEN);
    expect(await outcome(sut.get(read, course.id, CourseAction.SUBMIT_PHOTOS))).toBe(ErrorCode.FORBIDDEN);
    expect(await outcome(sut.get(submit, course.id, CourseAction.SUBMIT_PHOTOS))).toBe('ok');
    expect(await outcome(sut.get(submit, course.id, CourseAction.FOLLOW_PHOTOS))).toBe('ok');
    expect(await outcome(sut.get(pinned, course.id, CourseAction.READ))).toBe(ErrorCode.FORBIDDEN);
    expect(await outcome(sut.get(pinned, otherCourse.id, CourseAction.READ))).toBe('ok');
  });

  it('lists to each caller exactly the courses it may read', async () => {
    const ids = async (who: Parameters<CourseService['list']>[0]) =>
      (await sut.list(who, { skip: 0, take: 100 })).items.map((c) => c.id).sort();
    expect(await ids(world.teacher)).toEqual([course.id, otherCourse.id].sort());
    expect(await ids(world.otherTeacher)).toEqual([]);
    expect(await ids(world.outsider)).not.toContain(course.id);
    expect(await ids(world.key([ApiScope.ATTENDANCE_READ], otherCourse.id))).toEqual([otherCourse.id]);
    expect(await ids(world.key([]))).toEqual([]);
  });

  it('lets teachers create courses only for themselves, and keys not at all', async () => {
    expect(
      await outcome(
        sut.create(world.teacher, { code: 'X1', name: 'x', teacherId: world.otherTeacher.userId }),
      ),
    ).toBe(ErrorCode.FORBIDDEN);
    expect(await outcome(sut.create(world.key([ApiScope.ATTENDANCE_READ]), { code: 'X2', name: 'x' }))).toBe(
      ErrorCode.FORBIDDEN,
    );
    const own = await sut.create(world.admin, {
      code: `X3-${course.id.slice(0, 6)}`,
      name: 'x',
      teacherId: world.teacher.userId,
    });
    expect(own.teacherId).toBe(world.teacher.userId);
    expect(await outcome(sut.create(world.admin, { code: own.code, name: 'dup' }))).toBe(ErrorCode.CONFLICT);
  });

  it('answers a student of another institution NOT_FOUND and one of a colleague FORBIDDEN', async () => {
    const id = course.studentIds[0]!;
    expect(await outcome(world.students.get(world.outsider, id))).toBe(ErrorCode.NOT_FOUND);
    expect(await outcome(world.students.get(world.otherTeacher, id))).toBe(ErrorCode.FORBIDDEN);
    // A malformed id is as unknown as a well-formed one that matches nothing.
    expect(await outcome(world.students.get(world.teacher, 'not-a-uuid'))).toBe(ErrorCode.NOT_FOUND);
  });
});
