import DataLoader from 'dataloader';
import { In, type DataSource, type ObjectLiteral, type Repository } from 'typeorm';
import { Course } from '../entities/course.entity';
import { PhotoFace } from '../entities/photo-face.entity';
import { Student } from '../entities/student.entity';
import type { FaceEmbeddingRepository, StudentEmbeddings } from '../repositories/face-embedding.repository';

/** Per-request (or per-job) batching: one query per kind per tick, not one per row. */
export interface Loaders {
  student: DataLoader<string, Student | null>;
  course: DataLoader<string, Course | null>;
  facesByPhoto: DataLoader<string, PhotoFace[]>;
  /** Key: `${model}:${studentId}`. */
  embeddings: DataLoader<string, StudentEmbeddings>;
}

function byId<T extends ObjectLiteral & { id: string }>(repo: Repository<T>, options: LoaderOptions) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await repo.findBy({ id: In([...ids]) } as never);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  }, options);
}

/**
 * `cache: false` keeps batching but not memoising: a subscription's context lives as long as the
 * subscription, and each event must see fresh rows.
 */
export interface LoaderOptions {
  cache?: boolean;
}

export function createLoaders(
  dataSource: DataSource,
  embeddings: FaceEmbeddingRepository,
  options: LoaderOptions = {},
): Loaders {
  return {
    student: byId(dataSource.getRepository(Student), options),
    course: byId(dataSource.getRepository(Course), options),
    facesByPhoto: new DataLoader(async (photoIds) => {
      const rows = await dataSource.getRepository(PhotoFace).findBy({ photoId: In([...photoIds]) });
      return photoIds.map((id) => rows.filter((r) => r.photoId === id).sort((a, b) => a.box.x - b.box.x));
    }, options),
    embeddings: new DataLoader(async (keys) => {
      // Keys of one batch share the model in practice; group anyway so mixed batches stay correct.
      const groups = new Map<string, string[]>();
      for (const key of keys) {
        const [model, studentId] = splitKey(key);
        groups.set(model, [...(groups.get(model) ?? []), studentId]);
      }
      const results = new Map<string, StudentEmbeddings>();
      for (const [model, ids] of groups) {
        for (const row of await embeddings.byStudents(ids, model)) {
          results.set(`${model}:${row.studentId}`, row);
        }
      }
      return keys.map(
        (k) => results.get(k) ?? { studentId: splitKey(k)[1], model: splitKey(k)[0], descriptors: [] },
      );
    }),
  };
}

function splitKey(key: string): [string, string] {
  const i = key.lastIndexOf(':');
  return [key.slice(0, i), key.slice(i + 1)];
}
