import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum ImportStatus {
  /** Uploaded and checked (dry run): nothing written yet. */
  PREVIEWED = 'PREVIEWED',
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  /** Rolled back: nothing of it was written. */
  FAILED = 'FAILED',
}

/** One uploaded OneRoster set: its dry-run preview, then the real run's result. */
@Entity('oneroster_import')
export class OneRosterImport {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'institution_id', type: 'uuid' })
  institutionId: string;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @Column({ type: 'text' })
  status: ImportStatus;

  @Column({ type: 'jsonb' })
  options: { strict: boolean; consentColumn: boolean };

  @Column({ type: 'real' })
  progress: number;

  @Column({ type: 'jsonb', nullable: true })
  preview: object | null;

  @Column({ type: 'jsonb', nullable: true })
  result: object | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
