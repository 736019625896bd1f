import type { DataSource, EntityManager } from 'typeorm';
import { FaceEmbedding, PhotoFaceEmbedding } from '../entities/face-embedding.entity';

/** A student's recognition profile: every configured model's embeddings of their profile faces. */
export interface StudentProfile {
  studentId: string;
  embeddings: Record<string, number[][]>;
}

/** Reads and writes the per-model embeddings of profile faces and class-photo faces. */
export class FaceEmbeddingRepository {
  /** `models`: the configured models, read at each call (a model that failed to load drops out). */
  constructor(
    private readonly dataSource: DataSource,
    readonly models: () => readonly string[],
  ) {}

  /** One query for any number of students and every model; results in the order of `studentIds`. */
  async profiles(studentIds: readonly string[], models = this.models()): Promise<StudentProfile[]> {
    const byStudent = new Map<string, Record<string, number[][]>>();
    if (studentIds.length > 0 && models.length > 0) {
      const rows = await this.dataSource.query<{ student_id: string; model: string; embedding: number[] }[]>(
        `SELECT s.student_id, e.model, e.embedding
           FROM face_embedding e JOIN face_sample s ON s.id = e.face_sample_id
          WHERE s.student_id = ANY($1::uuid[]) AND e.model = ANY($2::text[])
          ORDER BY s.created_at, s.id`,
        [[...studentIds], [...models]],
      );
      for (const row of rows) {
        const profile = byStudent.get(row.student_id) ?? {};
        (profile[row.model] ??= []).push(row.embedding);
        byStudent.set(row.student_id, profile);
      }
    }
    return studentIds.map((studentId) => ({ studentId, embeddings: byStudent.get(studentId) ?? {} }));
  }

  /** Embeddings of profile faces, per face (verification, learning guards). */
  async ofSamples(sampleIds: readonly string[]): Promise<Map<string, Record<string, number[]>>> {
    return this.group(
      sampleIds.length === 0
        ? []
        : await this.dataSource
            .getRepository(FaceEmbedding)
            .createQueryBuilder('e')
            .where('e.face_sample_id = ANY(:ids)', { ids: [...sampleIds] })
            .getMany(),
      (r) => r.faceSampleId,
    );
  }

  /** Embeddings of class-photo faces, per face. */
  async ofPhotoFaces(
    faceIds: readonly string[],
    m?: EntityManager,
  ): Promise<Map<string, Record<string, number[]>>> {
    const manager = m ?? this.dataSource.manager;
    return this.group(
      faceIds.length === 0
        ? []
        : await manager
            .getRepository(PhotoFaceEmbedding)
            .createQueryBuilder('e')
            .where('e.photo_face_id = ANY(:ids)', { ids: [...faceIds] })
            .getMany(),
      (r) => r.photoFaceId,
    );
  }

  /** Stores a profile face's embeddings (one row per model); an existing model's row is kept. */
  async saveSample(
    m: EntityManager,
    faceSampleId: string,
    embeddings: Record<string, number[]>,
  ): Promise<void> {
    const rows = Object.entries(embeddings).map(([model, embedding]) => ({ faceSampleId, model, embedding }));
    if (rows.length > 0) {
      await m.createQueryBuilder().insert().into(FaceEmbedding).values(rows).orIgnore().execute();
    }
  }

  /** Stores the embeddings of many class-photo faces in one INSERT. */
  async savePhotoFaces(
    m: EntityManager,
    faces: { photoFaceId: string; embeddings: Record<string, number[]> }[],
  ): Promise<void> {
    const rows = faces.flatMap((f) =>
      Object.entries(f.embeddings).map(([model, embedding]) => ({
        photoFaceId: f.photoFaceId,
        model,
        embedding,
      })),
    );
    if (rows.length > 0) {
      await m.createQueryBuilder().insert().into(PhotoFaceEmbedding).values(rows).orIgnore().execute();
    }
  }

  /** Model ids stored per profile face (API field `models`). */
  async modelsOfSamples(sampleIds: readonly string[]): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>();
    for (const [id, embeddings] of await this.ofSamples(sampleIds)) {
      map.set(id, Object.keys(embeddings).sort());
    }
    return map;
  }

  private group<T extends { model: string; embedding: number[] }>(
    rows: T[],
    key: (row: T) => string,
  ): Map<string, Record<string, number[]>> {
    const map = new Map<string, Record<string, number[]>>();
    for (const row of rows) {
      const entry = map.get(key(row)) ?? {};
      entry[row.model] = row.embedding;
      map.set(key(row), entry);
    }
    return map;
  }
}
