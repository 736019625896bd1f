import { Arg, Args, Ctx, Query, Resolver, Root, Subscription } from 'type-graphql';
import { fromAlertPayload, type AlertService } from '../alerts/alert.service';
import { requireAdmin } from '../auth/access';
import { Alert, AlertState } from '../entities/alert.entity';
import { ALERTS_SCOPE, Topic, type AlertChangedPayload } from '../pubsub';
import type { Context } from '../schema/context';
import { AlertPage } from '../schema/types/alert.type';
import { PageArgs } from '../schema/types/page.type';

/** Alerts of the caller's institution plus platform-wide ones (admins). */
@Resolver(() => Alert)
export class AlertResolver {
  constructor(private readonly service: AlertService) {}

  @Query(() => AlertPage, { description: 'Newest first; platform-wide alerts have no institutionId.' })
  alerts(
    @Arg('state', () => AlertState, { nullable: true }) state: AlertState | null,
    @Args() page: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<AlertPage> {
    const { institutionId } = requireAdmin(ctx.viewer);
    return this.service.list(institutionId, state, page);
  }

  @Subscription(() => Alert, {
    description: 'Each alert as it starts FIRING and when it is RESOLVED.',
    topics: Topic.AlertChanged,
    topicId: ({ context }: { context: Context }) => {
      requireAdmin(context.viewer);
      return ALERTS_SCOPE;
    },
    filter: ({ payload, context }: { payload: AlertChangedPayload; context: Context }) =>
      payload.institutionId === null || payload.institutionId === requireAdmin(context.viewer).institutionId,
  })
  alertChanged(@Root() payload: AlertChangedPayload): Alert {
    return fromAlertPayload(payload);
  }
}
