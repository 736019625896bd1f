import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** One model's embedding of one profile face. Never exposed over the API and never logged. */
@Entity('face_embedding')
@Index(['model'])
export class FaceEmbedding {
  @PrimaryColumn({ name: 'face_sample_id', type: 'uuid' })
  faceSampleId: string;

  @PrimaryColumn({ type: 'text' })
  model: string;

  @Column({ type: 'real', array: true })
  embedding: number[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** One model's embedding of one class-photo face (for confirmation, clustering, verification). */
@Entity('photo_face_embedding')
export class PhotoFaceEmbedding {
  @PrimaryColumn({ name: 'photo_face_id', type: 'uuid' })
  photoFaceId: string;

  @PrimaryColumn({ type: 'text' })
  model: string;

  @Column({ type: 'real', array: true })
  embedding: number[];
}

/** A sample a model could not embed (no face found in its stored crop): not retried forever. */
@Entity('face_embedding_failure')
export class FaceEmbeddingFailure {
  @PrimaryColumn({ name: 'face_sample_id', type: 'uuid' })
  faceSampleId: string;

  @PrimaryColumn({ type: 'text' })
  model: string;

  @Column({ type: 'text' })
  reason: string;

  @CreateDateColumn({ name: 'failed_at', type: 'timestamptz' })
  failedAt: Date;
}
