// Channels of live events. Payloads are plain JSON (ISO strings, not Dates) because with Redis
// they cross process boundaries.

export enum Topic {
  AttendanceMarked = 'ATTENDANCE_MARKED',
  PhotoProcessed = 'PHOTO_PROCESSED',
  /** Every instance's metrics snapshots (scope: METRICS_SCOPE). */
  MetricsUpdated = 'METRICS_UPDATED',
  /** Alerts changing state (scope: ALERTS_SCOPE; subscribers filter by institution). */
  AlertChanged = 'ALERT_CHANGED',
  /** A session opened or closed (scope: the course id); feeds LMS webhooks. */
  SessionChanged = 'SESSION_CHANGED',
  /** Progress of one OneRoster import (scope: the import id). */
  OneRosterImport = 'ONEROSTER_IMPORT',
}

/** Metrics and alerts are published on one cluster-wide channel each. */
export const METRICS_SCOPE = 'cluster';
export const ALERTS_SCOPE = 'cluster';

export interface AttendanceMarkedPayload {
  id: string;
  sessionId: string;
  studentId: string;
  status: string;
  confidence: number | null;
  firstSeenAt: string | null;
  photoId: string | null;
  faceId: string | null;
  source: string;
  note: string | null;
  updatedAt: string;
}

export interface PhotoProcessedPayload {
  photoId: string;
  sessionId: string;
  status: string;
}

/** One instance's view of itself over the sliding window (src/observability/metrics.ts). */
export interface MetricsSnapshot {
  instanceId: string;
  at: string;
  uptimeSeconds: number;
  windowSeconds: number;
  requests: number;
  errors: number;
  /** Operations that failed by the server's fault (INTERNAL_SERVER_ERROR, INFERENCE_UNAVAILABLE): what alerts read. */
  serverErrors?: number;
  /** Operations refused for the client's input or credentials; never alerted on platform-wide. */
  clientErrors?: number;
  /** The callers (user:, key:, ip:) with the most client errors in the window, most first. */
  clientErrorCallers?: { caller: string; count: number }[];
  errorsByCode: Record<string, number>;
  requestP95Ms: number | null;
  photosDone: number;
  photosFailed: number;
  photoLatencyP95Ms: number | null;
  photoLatencySamples: number;
  facesByDecision: Record<string, number>;
  backend: string;
  workers: number;
  queueDepth: number;
  utilization: number;
  workerCrashes: number;
  eventLoopLagP99Ms: number;
  rssBytes: number;
  heapUsedBytes: number;
  cacheHits: number;
  cacheMisses: number;
  activeSubscriptions: number;
  /** Failures per integration API key in the window, for the alert rule; never shown to clients. */
  keyFailures: { institutionId: string; keyId: string; count: number }[];
  /** Photo jobs dead-lettered by this process in the window (issue #11); absent on older instances. */
  deadLetters?: number;
  /** Photo jobs waiting in the job queue (cluster-wide with BullMQ, so the same on every instance). */
  jobBacklog?: number;
}

export interface AlertChangedPayload {
  id: string;
  institutionId: string | null;
  rule: string;
  fingerprint: string;
  subject: string | null;
  state: string;
  severity: string;
  summary: string;
  value: number | null;
  threshold: number | null;
  details: Record<string, unknown>;
  startedAt: string;
  resolvedAt: string | null;
  updatedAt: string;
}

export interface SessionChangedPayload {
  sessionId: string;
  courseId: string;
  state: 'OPENED' | 'CLOSED';
  openedAt: string;
  closedAt: string | null;
  lateAfter: string;
  slotId: string | null;
  scheduledStart: string | null;
  scheduledEnd: string | null;
}

export interface OneRosterImportPayload {
  id: string;
  institutionId: string;
  status: string;
  progress: number;
  error: string | null;
}

export interface TopicPayloads {
  [Topic.AttendanceMarked]: AttendanceMarkedPayload;
  [Topic.PhotoProcessed]: PhotoProcessedPayload;
  [Topic.MetricsUpdated]: MetricsSnapshot;
  [Topic.AlertChanged]: AlertChangedPayload;
  [Topic.OneRosterImport]: OneRosterImportPayload;
  [Topic.SessionChanged]: SessionChangedPayload;
}

/** The shape type-graphql's `PubSub` expects, plus typed publishing and shutdown. */
export interface AppPubSub {
  publish(routingKey: string, ...args: unknown[]): void;
  subscribe(routingKey: string, dynamicId?: unknown): AsyncIterable<unknown>;
  /** Resolves once the event is handed over (buffered when Redis is unreachable): never waits for Redis. */
  emit<T extends Topic>(topic: T, scopeId: string, payload: TopicPayloads[T]): Promise<void>;
  /** Events waiting for Redis and events dropped from a full buffer (absent in-process). */
  backlog?(): { buffered: number; dropped: number };
  close(): Promise<void>;
}

export const channelOf = (topic: string, scopeId?: unknown) =>
  scopeId === undefined
    ? topic
    : `${topic}.${typeof scopeId === 'string' ? scopeId : JSON.stringify(scopeId)}`;
