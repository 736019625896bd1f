import { expect, test } from 'vitest';
import { openDatabase } from '../../src/db/data-source';
import { Course } from '../../src/entities/course.entity';
import { Institution } from '../../src/entities/institution.entity';

test('db', async () => {
  const db = await openDatabase({ pgliteDataDir: 'memory://', runMigrations: true });
  const inst = await db.dataSource.getRepository(Institution).findOneByOrFail({ slug: 'default' });
  const repo = db.dataSource.getRepository(Course);
  const c = await repo.save(repo.create({ institutionId: inst.id, code: 'X', name: 'n' }));
  expect(c.id).toMatch(/-/);
  // concurrent transactions isolated
  const p1 = db.dataSource
    .transaction(async (m) => {
      await m.insert(Course, { institutionId: inst.id, code: 'A', name: 'a' });
      await new Promise((r) => setTimeout(r, 50));
      throw new Error('boom');
    })
    .catch(() => 1);
  const p2 = db.dataSource.transaction(async (m) => {
    await m.insert(Course, { institutionId: inst.id, code: 'B', name: 'b' });
  });
  await Promise.all([p1, p2]);
  const codes = (await repo.find()).map((c) => c.code).sort();
  expect(codes).toEqual(['B', 'X']);
  const u = await repo.update({ code: 'B' }, { name: 'bb' });
  expect(u.affected).toBe(1);
  await db.close();
});
