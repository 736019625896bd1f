import DataLoader from 'dataloader';
import { In, type DataSource, type ObjectLiteral, type Repository } from 'typeorm';
import { Course } from '../entities/course.entity';
import { PhotoFace } from '../entities/photo-face.entity';
import { Student } from '../entities/student.entity';
import type { FaceEmbeddingRepository, StudentProfile } from '../repositories/face-embedding.repository';

/** Per-request (or per-job) batching: one query per kind per tick, not one per row. */
export interface Loaders {
  student: DataLoader<string, Student | null>;
  course: DataLoader<string, Course | null>;
  facesByPhoto: DataLoader<string, PhotoFace[]>;
  /** Key: studentId. Every configured model's embeddings, in one query per batch. */
  embeddings: DataLoader<string, StudentProfile>;
  /** Key: face sample id. The models that have embedded the sample. */
  sampleModels: DataLoader<string, string[]>;
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
    embeddings: new DataLoader((studentIds) => embeddings.profiles(studentIds), options),
    sampleModels: new DataLoader(async (ids) => {
      const models = await embeddings.modelsOfSamples(ids);
      return ids.map((id) => models.get(id) ?? []);
    }, options),
  };
}
