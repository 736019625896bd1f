import { Arg, Ctx, Query, Resolver, Root, Subscription } from 'type-graphql';
import { requireAdmin } from '../auth/access';
import type { Metrics } from '../observability/metrics';
import { METRICS_SCOPE, Topic, type MetricsSnapshot } from '../pubsub';
import type { Context } from '../schema/context';
import { SystemMetrics, toSystemMetrics } from '../schema/types/metrics.type';

/** Live operations: this instance's metrics on demand, every instance's as they are published. */
@Resolver()
export class MetricsResolver {
  constructor(private readonly metrics: Metrics) {}

  @Query(() => SystemMetrics, { description: 'The answering instance, measured now (admins).' })
  systemMetrics(@Ctx() ctx: Context): SystemMetrics {
    requireAdmin(ctx.viewer);
    return toSystemMetrics(this.metrics.snapshot());
  }

  @Subscription(() => SystemMetrics, {
    description:
      "Every instance's snapshot, each METRICS_INTERVAL_MS (admins). With Redis, from all instances: tell them apart by instanceId.",
    topics: Topic.MetricsUpdated,
    topicId: ({ context }: { context: Context }) => {
      requireAdmin(context.viewer);
      return METRICS_SCOPE;
    },
    filter: ({ payload, args }: { payload: MetricsSnapshot; args: { instanceId?: string | null } }) =>
      !args.instanceId || payload.instanceId === args.instanceId,
  })
  metricsUpdated(
    @Root() snapshot: MetricsSnapshot,
    @Arg('instanceId', () => String, { nullable: true, description: 'Only this instance.' })
    _instanceId: string | null,
  ): SystemMetrics {
    return toSystemMetrics(snapshot);
  }
}
