import { Gauge, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { requireAdmin } from '../auth/access';
import type { Viewer } from '../auth/viewer';
import { FaceEmbeddingFailure } from '../entities/face-embedding.entity';
import type { InferenceEngine } from '../inference';
import { InferenceError } from '../inference';
import type { Logger } from '../observability/logger';
import type { FaceEmbeddingRepository } from '../repositories/face-embedding.repository';
import type { FileStorage } from '../storage/file-storage';
import type { RosterService } from './roster.service';

/** Queue name and payload of the background re-embedding (job-queue contract of the brief). */
export const REEMBED_JOB = 'reembed-face-samples';

export interface ReembedJobData {
  model: string;
  /** Samples per round trip (one query, one roster invalidation). */
  batchSize?: number;
}

/** The job-queue handler context (src/queue, h-queue): the work needs only progress reports. */
export interface JobContext {
  id: string;
  attempt: number;
  progress(p: number): Promise<void>;
}

export interface ReembedProgress {
  model: string;
  /** Profile faces of the institution. */
  total: number;
  /** ...that have this model's embedding. */
  embedded: number;
  /** ...that this model could not embed (no face found again in the stored crop). */
  failed: number;
  /** Whether this instance is re-embedding for the model now. */
  running: boolean;
}

/**
 * Upgrades stored profiles when a model is added: every face sample lacking a configured model's
 * embedding is embedded again from its stored crop. Resumable by construction: the work is always
 * "samples lacking model X", so a crash or restart simply continues where the rows say.
 */
export class ReembedService {
  private readonly log: Logger;
  private readonly pending?: Gauge<'model'>;
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: InferenceEngine,
    private readonly embeddings: FaceEmbeddingRepository,
    private readonly storage: FileStorage,
    private readonly roster: RosterService,
    logger: Logger,
    registry?: Registry,
  ) {
    this.log = logger.child({ module: ReembedService.name });
    if (registry) {
      this.pending = new Gauge({
        name: 'rollcall_reembed_pending_samples',
        help: 'Profile faces still lacking an embedding of a configured model',
        labelNames: ['model'],
        registers: [registry],
      });
    }
  }

  /** The job handler: embeds, with `data.model`, every stored sample lacking it. */
  readonly handle = async (data: ReembedJobData, ctx: JobContext): Promise<void> => {
    if (!this.engine.models.includes(data.model)) {
      // Not loaded here (failed to load, or configured away): nothing can be done by retrying now.
      this.log.warn({ model: data.model }, 're-embedding skipped: model not loaded');
      return;
    }
    const batchSize = data.batchSize ?? 16;
    const total = await this.countMissing(data.model);
    let done = 0;
    for (;;) {
      const batch = await this.missing(data.model, batchSize);
      if (batch.length === 0) {
        break;
      }
      for (const sample of batch) {
        await this.embedOne(sample, data.model);
      }
      done += batch.length;
      await this.roster.invalidateForStudents([...new Set(batch.map((s) => s.student_id))]);
      await ctx.progress(total === 0 ? 1 : Math.min(1, done / total));
      this.pending?.set({ model: data.model }, Math.max(0, total - done));
    }
    this.pending?.set({ model: data.model }, 0);
    this.log.info({ model: data.model, samples: done }, 're-embedding finished');
  };

  /**
   * The small driver until the job queue is wired: starts the handler in the background for every
   * configured model some sample lacks. Returns the models started.
   */
  async start(): Promise<string[]> {
    const started: string[] = [];
    for (const model of this.engine.models) {
      const missing = await this.countMissing(model);
      this.pending?.set({ model }, missing);
      if (missing === 0 || this.running.has(model)) {
        continue;
      }
      const ctx: JobContext = {
        id: `${REEMBED_JOB}:${model}`,
        attempt: 1,
        progress: () => Promise.resolve(),
      };
      const run = this.handle({ model }, ctx)
        .catch((error: unknown) => this.log.error({ err: error, model }, 're-embedding crashed'))
        .finally(() => this.running.delete(model));
      this.running.set(model, run);
      started.push(model);
    }
    return started;
  }

  /** Resolves when background re-embedding of this instance has finished (shutdown, tests). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }

  /** Progress per configured model for the admin's institution. */
  async progress(viewer: Viewer): Promise<ReembedProgress[]> {
    const admin = requireAdmin(viewer);
    const result: ReembedProgress[] = [];
    for (const model of this.engine.models) {
      const [row] = await this.dataSource.query<{ total: string; embedded: string; failed: string }[]>(
        `SELECT count(*) AS total,
                count(e.face_sample_id) AS embedded,
                count(f.face_sample_id) AS failed
           FROM face_sample s JOIN student st ON st.id = s.student_id
           LEFT JOIN face_embedding e ON e.face_sample_id = s.id AND e.model = $2
           LEFT JOIN face_embedding_failure f ON f.face_sample_id = s.id AND f.model = $2
          WHERE st.institution_id = $1`,
        [admin.institutionId, model],
      );
      result.push({
        model,
        total: Number(row?.total ?? 0),
        embedded: Number(row?.embedded ?? 0),
        failed: Number(row?.failed ?? 0),
        running: this.running.has(model),
      });
    }
    return result;
  }

  async countMissing(model: string): Promise<number> {
    const [row] = await this.dataSource.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM face_sample s WHERE ${LACKS}`,
      [model],
    );
    return Number(row?.n ?? 0);
  }

  private missing(model: string, limit: number) {
    return this.dataSource.query<
      { id: string; student_id: string; source_key: string | null; thumbnail_key: string }[]
    >(
      `SELECT s.id, s.student_id, s.source_key, s.thumbnail_key FROM face_sample s
        WHERE ${LACKS} ORDER BY s.created_at, s.id LIMIT $2`,
      [model, limit],
    );
  }

  private async embedOne(
    sample: { id: string; source_key: string | null; thumbnail_key: string },
    model: string,
  ): Promise<void> {
    const fail = (reason: string) =>
      this.dataSource
        .createQueryBuilder()
        .insert()
        .into(FaceEmbeddingFailure)
        .values({ faceSampleId: sample.id, model, reason })
        .orIgnore()
        .execute();
    // Samples stored before the larger crop existed fall back to their thumbnail.
    const bytes = await this.storage.get(sample.source_key ?? sample.thumbnail_key).catch(() => null);
    if (!bytes) {
      await fail('STORED_IMAGE_MISSING');
      return;
    }
    let analysis;
    try {
      analysis = await this.engine.analyze(bytes, { maxFaces: 3, tiling: false, models: [model] });
    } catch (error) {
      if (error instanceof InferenceError && error.code !== 'INFERENCE_UNAVAILABLE') {
        await fail(error.code);
        return;
      }
      throw error; // the engine is down: the job fails and is retried later
    }
    // The crop is centred on the sample's face: the detection nearest the centre is it.
    const cx = analysis.width / 2;
    const cy = analysis.height / 2;
    const face = [...analysis.faces].sort(
      (a, b) =>
        Math.hypot(a.box.x + a.box.width / 2 - cx, a.box.y + a.box.height / 2 - cy) -
        Math.hypot(b.box.x + b.box.width / 2 - cx, b.box.y + b.box.height / 2 - cy),
    )[0];
    const embedding = face ? face.embeddings[model] : undefined;
    if (!embedding) {
      await fail('NO_FACE_DETECTED');
      return;
    }
    await this.embeddings.saveSample(this.dataSource.manager, sample.id, { [model]: embedding });
  }
}

const LACKS = `NOT EXISTS (SELECT 1 FROM face_embedding e WHERE e.face_sample_id = s.id AND e.model = $1)
  AND NOT EXISTS (SELECT 1 FROM face_embedding_failure f WHERE f.face_sample_id = s.id AND f.model = $1)`;
