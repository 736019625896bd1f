import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { MetricsSnapshot } from '../../pubsub/topics';

@ObjectType({ description: 'A count under a key (error code, match decision).' })
export class KeyCount {
  @Field()
  key: string;

  @Field(() => Int)
  count: number;
}

@ObjectType({
  description: 'One instance measured over a sliding window (windowSeconds); gauges are current.',
})
export class SystemMetrics {
  @Field({ description: 'The server instance that measured this (several share PostgreSQL and Redis).' })
  instanceId: string;

  @Field()
  at: Date;

  @Field(() => Int)
  uptimeSeconds: number;

  @Field(() => Float)
  windowSeconds: number;

  @Field(() => Int, { description: 'GraphQL operations over HTTP in the window.' })
  requests: number;

  @Field(() => Int, { description: 'Operations that returned at least one error.' })
  errors: number;

  @Field(() => Int, {
    description: "Operations that failed by the server's fault (what the error-rate alert reads).",
  })
  serverErrors: number;

  @Field(() => Int, { description: "Operations refused for the client's input, credentials or limits." })
  clientErrors: number;

  @Field(() => Float, { nullable: true, description: 'errors / requests; null without requests.' })
  errorRate: number | null;

  @Field(() => [KeyCount], { description: 'Errors by extensions.code.' })
  errorsByCode: KeyCount[];

  @Field(() => Float, { nullable: true })
  requestP95Ms: number | null;

  @Field(() => Int)
  photosDone: number;

  @Field(() => Int)
  photosFailed: number;

  @Field(() => Float, { nullable: true, description: 'p95 from submission to result, queueing included.' })
  photoLatencyP95Ms: number | null;

  @Field(() => [KeyCount], { description: 'Faces processed by match decision.' })
  facesByDecision: KeyCount[];

  @Field({ description: 'TensorFlow.js backend of the inference workers.' })
  backend: string;

  @Field(() => Int)
  workers: number;

  @Field(() => Int, { description: 'Photos waiting for a worker.' })
  queueDepth: number;

  @Field(() => Float, { description: 'Share of worker time spent on tasks, 0..1.' })
  utilization: number;

  @Field(() => Int, { description: 'Inference tasks lost to a failed worker in the window.' })
  workerCrashes: number;

  @Field(() => Float, { description: 'p99 event-loop delay over the last publishing interval, ms.' })
  eventLoopLagP99Ms: number;

  @Field(() => Float)
  rssBytes: number;

  @Field(() => Float)
  heapUsedBytes: number;

  @Field(() => Int)
  cacheHits: number;

  @Field(() => Int)
  cacheMisses: number;

  @Field(() => Float, { nullable: true })
  cacheHitRate: number | null;

  @Field(() => Int)
  activeSubscriptions: number;
}

const pairs = (record: Record<string, number>): KeyCount[] =>
  Object.entries(record)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, count]) => ({ key, count }));

export function toSystemMetrics(s: MetricsSnapshot): SystemMetrics {
  const lookups = s.cacheHits + s.cacheMisses;
  return Object.assign(new SystemMetrics(), {
    instanceId: s.instanceId,
    at: new Date(s.at),
    uptimeSeconds: s.uptimeSeconds,
    windowSeconds: s.windowSeconds,
    requests: s.requests,
    errors: s.errors,
    serverErrors: s.serverErrors ?? 0,
    clientErrors: s.clientErrors ?? 0,
    errorRate: s.requests > 0 ? s.errors / s.requests : null,
    errorsByCode: pairs(s.errorsByCode),
    requestP95Ms: s.requestP95Ms,
    photosDone: s.photosDone,
    photosFailed: s.photosFailed,
    photoLatencyP95Ms: s.photoLatencyP95Ms,
    facesByDecision: pairs(s.facesByDecision),
    backend: s.backend,
    workers: s.workers,
    queueDepth: s.queueDepth,
    utilization: s.utilization,
    workerCrashes: s.workerCrashes,
    eventLoopLagP99Ms: s.eventLoopLagP99Ms,
    rssBytes: s.rssBytes,
    heapUsedBytes: s.heapUsedBytes,
    cacheHits: s.cacheHits,
    cacheMisses: s.cacheMisses,
    cacheHitRate: lookups > 0 ? s.cacheHits / lookups : null,
    activeSubscriptions: s.activeSubscriptions,
  });
}
