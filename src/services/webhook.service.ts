import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { requireAdmin } from '../auth/access';
import { actorLabel, type Viewer } from '../auth/viewer';
import { DeliveryStatus, WebhookDelivery, WebhookSubscription } from '../entities/webhook.entity';
import {
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  signPayload,
  TIMESTAMP_HEADER,
} from '../integrations/webhook-signature';
import type { Logger } from '../observability/logger';
import { Topic, type AttendanceMarkedPayload, type SessionChangedPayload } from '../pubsub';
import { PermanentJobError, type JobContext, type JobQueue } from '../queue';
import { assertId, DomainError, ErrorCode, notFound } from './domain-error';
import type { Page, PageRequest } from './page';

export const DELIVER_JOB = 'webhook.deliver';

export enum WebhookEvent {
  ATTENDANCE_MARKED = 'attendance.marked',
  ATTENDANCE_CHANGED = 'attendance.changed',
  SESSION_OPENED = 'session.opened',
  SESSION_CLOSED = 'session.closed',
}
const EVENTS = new Set<string>(Object.values(WebhookEvent));

export interface WebhookOptions {
  attempts: number;
  backoffMs: number;
  timeoutMs: number;
}

export interface CreateWebhookInput {
  url: string;
  events: string[];
  courseIds?: string[] | null;
}

interface CourseRow {
  course_id: string;
  code: string;
  course_sourced_id: string | null;
  institution_id: string;
}

/**
 * LMS webhooks: admins subscribe an URL to events of their institution (optionally of some courses);
 * every matching event becomes a logged delivery, POSTed signed and retried with backoff through
 * the job queue until it succeeds or runs out of attempts; admins read and replay the log.
 */
export class WebhookService {
  private readonly log: Logger;
  private fanOutChain: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: Pick<JobQueue, 'add'>,
    private readonly options: WebhookOptions,
    logger: Logger,
  ) {
    this.log = logger.child({ module: WebhookService.name });
  }

  async create(
    viewer: Viewer,
    input: CreateWebhookInput,
  ): Promise<{ subscription: WebhookSubscription; secret: string }> {
    const admin = requireAdmin(viewer);
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'url must be an absolute http(s) URL', {
        field: 'url',
      });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'url must be an absolute http(s) URL', {
        field: 'url',
      });
    }
    const events = [...new Set(input.events)];
    const unknown = events.filter((e) => !EVENTS.has(e));
    if (events.length === 0 || unknown.length > 0) {
      throw new DomainError(
        ErrorCode.BAD_USER_INPUT,
        `events must be some of ${[...EVENTS].join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`,
        { field: 'events' },
      );
    }
    const courseIds = [...new Set(input.courseIds ?? [])];
    for (const id of courseIds) {
      assertId('Course', id);
    }
    if (courseIds.length > 0) {
      const found = await this.dataSource.query<{ id: string }[]>(
        `SELECT id FROM course WHERE institution_id = $1 AND id = ANY($2::uuid[])`,
        [admin.institutionId, courseIds],
      );
      const missing = courseIds.find((id) => !found.some((f) => f.id === id));
      if (missing) {
        throw notFound('Course', missing);
      }
    }
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const repo = this.dataSource.getRepository(WebhookSubscription);
    const subscription = await repo.save(
      repo.create({
        institutionId: admin.institutionId,
        url: url.toString(),
        secret,
        events,
        courseIds,
        active: true,
        createdBy: actorLabel(admin),
      }),
    );
    return { subscription, secret };
  }

  async list(viewer: Viewer): Promise<WebhookSubscription[]> {
    const admin = requireAdmin(viewer);
    return this.dataSource
      .getRepository(WebhookSubscription)
      .find({ where: { institutionId: admin.institutionId }, order: { createdAt: 'ASC' } });
  }

  async get(viewer: Viewer, id: string): Promise<WebhookSubscription> {
    const admin = requireAdmin(viewer);
    assertId('WebhookSubscription', id);
    const sub = await this.dataSource
      .getRepository(WebhookSubscription)
      .findOneBy({ id, institutionId: admin.institutionId });
    if (!sub) {
      throw notFound('WebhookSubscription', id);
    }
    return sub;
  }

  async setActive(viewer: Viewer, id: string, active: boolean): Promise<WebhookSubscription> {
    const sub = await this.get(viewer, id);
    sub.active = active;
    return this.dataSource.getRepository(WebhookSubscription).save(sub);
  }

  async delete(viewer: Viewer, id: string): Promise<boolean> {
    const sub = await this.get(viewer, id);
    await this.dataSource.getRepository(WebhookSubscription).delete({ id: sub.id });
    return true;
  }

  async deliveries(
    viewer: Viewer,
    subscriptionId: string,
    page: PageRequest,
  ): Promise<Page<WebhookDelivery>> {
    const sub = await this.get(viewer, subscriptionId);
    const [items, total] = await this.dataSource.getRepository(WebhookDelivery).findAndCount({
      where: { subscriptionId: sub.id },
      order: { createdAt: 'DESC' },
      skip: page.skip,
      take: page.take,
    });
    return { items, total, hasMore: page.skip + items.length < total };
  }

  /** Sends a logged delivery again (the same event id and payload, a fresh signature). */
  async replay(viewer: Viewer, deliveryId: string): Promise<WebhookDelivery> {
    const admin = requireAdmin(viewer);
    assertId('WebhookDelivery', deliveryId);
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT d.id FROM webhook_delivery d JOIN webhook_subscription s ON s.id = d.subscription_id
        WHERE d.id = $1 AND s.institution_id = $2`,
      [deliveryId, admin.institutionId],
    );
    if (rows.length === 0) {
      throw notFound('WebhookDelivery', deliveryId);
    }
    const repo = this.dataSource.getRepository(WebhookDelivery);
    await repo.update({ id: deliveryId }, { status: DeliveryStatus.PENDING });
    await this.enqueue(deliveryId, `${deliveryId}-replay-${Date.now()}`);
    return repo.findOneByOrFail({ id: deliveryId });
  }

  /** Every event published on this instance passes here (see tapEvents in app.ts). Never throws. */
  observe(topic: Topic, payload: unknown): void {
    const work =
      topic === Topic.AttendanceMarked
        ? () => this.onAttendance(payload as AttendanceMarkedPayload)
        : topic === Topic.SessionChanged
          ? () => this.onSession(payload as SessionChangedPayload)
          : null;
    if (!work) {
      return;
    }
    // One at a time, in emission order: a quick re-mark must not overtake the first mark (it decides
    // marked vs changed), and deliveries are created in the order things happened.
    this.fanOutChain = this.fanOutChain
      .then(work)
      .catch((error: unknown) => this.log.error({ err: error, topic }, 'webhook fan-out failed'));
  }

  /** Resolves once every event observed so far has its deliveries (tests, shutdown). */
  idle(): Promise<void> {
    return this.fanOutChain;
  }

  private async courseOf(courseId: string): Promise<CourseRow | undefined> {
    const rows = await this.dataSource.query<CourseRow[]>(
      `SELECT id AS course_id, code, sourced_id AS course_sourced_id, institution_id FROM course WHERE id = $1`,
      [courseId],
    );
    return rows[0];
  }

  private async matching(course: CourseRow, event: WebhookEvent): Promise<WebhookSubscription[]> {
    return this.dataSource
      .getRepository(WebhookSubscription)
      .createQueryBuilder('s')
      .where('s.institution_id = :inst AND s.active', { inst: course.institution_id })
      .andWhere(':event = ANY(s.events)', { event })
      .andWhere(`(cardinality(s.course_ids) = 0 OR :course = ANY(s.course_ids))`, {
        course: course.course_id,
      })
      .getMany();
  }

  private async onSession(p: SessionChangedPayload): Promise<void> {
    const course = await this.courseOf(p.courseId);
    if (!course) {
      return;
    }
    const event = p.state === 'OPENED' ? WebhookEvent.SESSION_OPENED : WebhookEvent.SESSION_CLOSED;
    const subs = await this.matching(course, event);
    await this.fanOut(subs, event, {
      course: { id: course.course_id, code: course.code, sourcedId: course.course_sourced_id },
      session: {
        id: p.sessionId,
        openedAt: p.openedAt,
        closedAt: p.closedAt,
        lateAfter: p.lateAfter,
        scheduledStart: p.scheduledStart,
        scheduledEnd: p.scheduledEnd,
      },
    });
  }

  private async onAttendance(p: AttendanceMarkedPayload): Promise<void> {
    const rows = await this.dataSource.query<
      (CourseRow & { opened_at: Date; external_id: string; student_sourced_id: string | null })[]
    >(
      `SELECT c.id AS course_id, c.code, c.sourced_id AS course_sourced_id, c.institution_id, s.opened_at,
              st.external_id, st.sourced_id AS student_sourced_id
         FROM attendance_session s JOIN course c ON c.id = s.course_id JOIN student st ON st.id = $2
        WHERE s.id = $1`,
      [p.sessionId, p.studentId],
    );
    const row = rows[0];
    if (!row) {
      return;
    }
    const [marked, changed] = await Promise.all([
      this.matching(row, WebhookEvent.ATTENDANCE_MARKED),
      this.matching(row, WebhookEvent.ATTENDANCE_CHANGED),
    ]);
    if (marked.length === 0 && changed.length === 0) {
      return;
    }
    // The previous announced status tells a first mark from a change; same status = no event.
    const prev = await this.dataSource.query<{ previous: string | null }[]>(
      `WITH old AS (SELECT status FROM webhook_record_state WHERE record_id = $1)
       INSERT INTO webhook_record_state (record_id, status) VALUES ($1, $2)
       ON CONFLICT (record_id) DO UPDATE SET status = EXCLUDED.status
       RETURNING (SELECT status FROM old) AS previous`,
      [p.id, p.status],
    );
    const previous = prev[0]?.previous ?? null;
    if (previous === p.status) {
      return;
    }
    const event = previous === null ? WebhookEvent.ATTENDANCE_MARKED : WebhookEvent.ATTENDANCE_CHANGED;
    await this.fanOut(event === WebhookEvent.ATTENDANCE_MARKED ? marked : changed, event, {
      course: { id: row.course_id, code: row.code, sourcedId: row.course_sourced_id },
      session: { id: p.sessionId, openedAt: new Date(row.opened_at).toISOString() },
      student: { id: p.studentId, externalId: row.external_id, sourcedId: row.student_sourced_id },
      record: {
        id: p.id,
        status: p.status,
        previousStatus: previous,
        source: p.source,
        confidence: p.confidence,
        firstSeenAt: p.firstSeenAt,
        note: p.note,
        updatedAt: p.updatedAt,
      },
    });
  }

  private async fanOut(
    subs: WebhookSubscription[],
    event: WebhookEvent,
    data: Record<string, unknown>,
  ): Promise<void> {
    const repo = this.dataSource.getRepository(WebhookDelivery);
    for (const sub of subs) {
      const delivery = repo.create({
        subscriptionId: sub.id,
        event,
        payload: {},
        status: DeliveryStatus.PENDING,
        attempts: 0,
        lastStatusCode: null,
        lastError: null,
        lastAttemptAt: null,
        deliveredAt: null,
      });
      const saved = await repo.save(delivery);
      // The envelope carries its own id: receivers de-duplicate on it (retries and replays reuse it).
      const payload = {
        id: saved.id,
        event,
        createdAt: saved.createdAt.toISOString(),
        institutionId: sub.institutionId,
        data,
      };
      await this.dataSource.query(`UPDATE webhook_delivery SET payload = $2 WHERE id = $1`, [
        saved.id,
        JSON.stringify(payload),
      ]);
      await this.enqueue(saved.id, saved.id);
    }
  }

  private async enqueue(deliveryId: string, jobId: string): Promise<void> {
    await this.jobs.add(
      DELIVER_JOB,
      { deliveryId },
      { jobId, attempts: this.options.attempts, backoffMs: this.options.backoffMs },
    );
  }

  /** The job handler: one POST; throws to be retried, PermanentJobError when there is nothing to send. */
  async deliver(data: { deliveryId: string }, ctx: JobContext): Promise<void> {
    const repo = this.dataSource.getRepository(WebhookDelivery);
    const delivery = await repo.findOneBy({ id: data.deliveryId });
    const sub = delivery
      ? await this.dataSource.getRepository(WebhookSubscription).findOneBy({ id: delivery.subscriptionId })
      : null;
    if (!delivery || !sub) {
      throw new PermanentJobError('the delivery or its subscription is gone');
    }
    if (delivery.status === DeliveryStatus.DELIVERED) {
      return;
    }
    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(Date.now() / 1000);
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(sub.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Rollcall-Webhooks/1',
          [EVENT_HEADER]: delivery.event,
          [DELIVERY_HEADER]: delivery.id,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signPayload(sub.secret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      statusCode = res.status;
      await res.body?.cancel();
      if (res.status < 200 || res.status >= 300) {
        error = `HTTP ${res.status}`;
      }
    } catch (e) {
      error = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
    }
    const attempts = delivery.attempts + 1;
    const last = ctx.attempt >= ctx.maxAttempts;
    await repo.update(
      { id: delivery.id },
      {
        attempts,
        lastStatusCode: statusCode,
        lastError: error,
        lastAttemptAt: new Date(),
        ...(error === null
          ? { status: DeliveryStatus.DELIVERED, deliveredAt: new Date() }
          : last
            ? { status: DeliveryStatus.FAILED }
            : {}),
      },
    );
    if (error !== null) {
      throw new Error(`webhook delivery ${delivery.id} failed: ${error}`);
    }
  }
}
