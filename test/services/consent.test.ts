import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/services/domain-error';
import { StudentService } from '../../src/services/student.service';
import { createWorld, type World } from './world';

// Biometric consent, on the real database: no student without it, and withdrawing it removes every
// face and embedding while the attendance history stays.

describe(`${StudentService.name} consent`, () => {
  let world: World;
  let sut: StudentService;

  beforeAll(async () => {
    world = await createWorld();
    sut = world.students;
  });
  afterAll(async () => {
    await world?.close();
  });

  /** Every face sample stored by this spec, to look for embeddings left behind. */
  const samples: string[] = [];
  /** A stored face of the student: a file on disk and a profile row pointing at it. */
  const storeFace = async (studentId: string) => {
    const key = await world.storage.put('faces', new Uint8Array([1, 2, 3]));
    const [sample] = await world.sql<{ id: string }>(
      `INSERT INTO face_sample (student_id, source, thumbnail_key, photo_hash, box, quality, detection_score)
       VALUES ($1, 'ENROLLMENT', $2, md5(random()::text), '{"x":0,"y":0,"width":1,"height":1}', 0.9, 0.9)
       RETURNING id`,
      [studentId, key],
    );
    samples.push(sample!.id);
    await world.sql(
      `INSERT INTO face_embedding (face_sample_id, model, embedding) VALUES ($1, 'spec-model', '{0.1,0.2}')`,
      [sample!.id],
    );
    return key;
  };
  /** Stored faces of the student, plus embeddings of any sample this spec stored. */
  const faceCount = async (studentId: string) => {
    const [row] = await world.sql<{ n: string }>(
      `SELECT (SELECT count(*) FROM face_sample WHERE student_id = $1)
            + (SELECT count(*) FROM face_embedding WHERE face_sample_id = ANY($2::uuid[])) AS n`,
      [studentId, samples],
    );
    return Number(row!.n);
  };

  it('refuses a student without recorded consent and writes nothing', async () => {
    const course = await world.course(0);
    await expect(
      sut.add(world.teacher, { courseId: course.id, externalId: 'NC-1', name: 'No Consent', consent: false }),
    ).rejects.toMatchObject({ code: ErrorCode.CONSENT_REQUIRED });
    expect(await world.sql(`SELECT id FROM student WHERE external_id = 'NC-1'`)).toEqual([]);
  });

  it('records who gave consent and when', async () => {
    const course = await world.course(1);
    const student = await sut.get(world.teacher, course.studentIds[0]!);
    expect(student.consentGivenAt).toBeInstanceOf(Date);
    expect(student.consentRecordedBy).toBe(world.teacher.email);
  });

  it('deletes every face and its file when consent is withdrawn, and keeps the student', async () => {
    const course = await world.course(1);
    const id = course.studentIds[0]!;
    const key = await storeFace(id);
    await storeFace(id);
    expect(await faceCount(id)).toBe(4);

    const after = await sut.withdrawConsent(world.teacher, id);
    expect(after.consentGivenAt).toBeNull();
    expect(await faceCount(id)).toBe(0);
    await expect(world.storage.get(key)).rejects.toMatchObject({ code: 'ENOENT' });
    const audit = await world.sql<{ action: string }>(
      `SELECT action FROM audit_event WHERE target_id = $1 ORDER BY at`,
      [id],
    );
    expect(audit.map((a) => a.action)).toContain('CONSENT_WITHDRAWN');

    const again = await sut.giveConsent(world.teacher, id);
    expect(again.consentGivenAt).toBeInstanceOf(Date);
  });

  it('lets only those who manage a course of the student change consent', async () => {
    const course = await world.course(1);
    const id = course.studentIds[0]!;
    await expect(sut.withdrawConsent(world.otherTeacher, id)).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
    });
    await expect(sut.withdrawConsent(world.outsider, id)).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
    expect((await sut.get(world.teacher, id)).consentGivenAt).toBeInstanceOf(Date);
  });

  it('deletes a student with every trace of their faces (admins only)', async () => {
    const course = await world.course(1);
    const id = course.studentIds[0]!;
    const key = await storeFace(id);
    await expect(sut.delete(world.teacher, id)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(sut.delete(world.admin, id)).resolves.toBe(true);
    expect(await faceCount(id)).toBe(0);
    expect(await world.sql(`SELECT id FROM student WHERE id = $1`, [id])).toEqual([]);
    await expect(world.storage.get(key)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
