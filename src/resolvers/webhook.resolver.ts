import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { WebhookDelivery, WebhookSubscription } from '../entities/webhook.entity';
import type { Context } from '../schema/context';
import { PageArgs } from '../schema/types/page.type';
import {
  CreatedWebhook,
  CreateWebhookInput,
  WebhookDeliveryPage,
  WebhookDeliveryType,
  WebhookSubscriptionType,
} from '../schema/types/webhook.type';
import type { WebhookService } from '../services/webhook.service';

// The subscription's secret stays server-side after creation.
const toType = (s: WebhookSubscription): WebhookSubscriptionType => ({
  id: s.id,
  url: s.url,
  events: s.events,
  courseIds: s.courseIds,
  active: s.active,
  createdBy: s.createdBy,
  createdAt: s.createdAt,
});
const toDelivery = (d: WebhookDelivery): WebhookDeliveryType => ({ ...d });

@Resolver(() => WebhookSubscriptionType)
export class WebhookResolver {
  constructor(private readonly service: WebhookService) {}

  @Mutation(() => CreatedWebhook, {
    description: 'Subscribes an LMS endpoint to attendance events (admins).',
  })
  async createWebhook(@Arg('input') input: CreateWebhookInput, @Ctx() ctx: Context): Promise<CreatedWebhook> {
    const { subscription, secret } = await this.service.create(ctx.viewer, input);
    return { subscription: toType(subscription), secret };
  }

  @Mutation(() => WebhookSubscriptionType, { description: 'Pauses (false) or resumes (true) a webhook.' })
  async setWebhookActive(
    @Arg('id', () => ID) id: string,
    @Arg('active') active: boolean,
    @Ctx() ctx: Context,
  ): Promise<WebhookSubscriptionType> {
    return toType(await this.service.setActive(ctx.viewer, id, active));
  }

  @Mutation(() => Boolean, { description: 'Deletes a webhook and its delivery log.' })
  deleteWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return this.service.delete(ctx.viewer, id);
  }

  @Mutation(() => WebhookDeliveryType, { description: 'Sends a logged delivery again, freshly signed.' })
  async replayWebhookDelivery(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: Context,
  ): Promise<WebhookDeliveryType> {
    return toDelivery(await this.service.replay(ctx.viewer, id));
  }

  @Query(() => [WebhookSubscriptionType], { description: 'Webhooks of the institution (admins).' })
  async webhooks(@Ctx() ctx: Context): Promise<WebhookSubscriptionType[]> {
    return (await this.service.list(ctx.viewer)).map(toType);
  }

  @Query(() => WebhookDeliveryPage, { description: "A webhook's delivery log, newest first (admins)." })
  async webhookDeliveries(
    @Arg('subscriptionId', () => ID) subscriptionId: string,
    @Args() page: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<WebhookDeliveryPage> {
    const result = await this.service.deliveries(ctx.viewer, subscriptionId, page);
    return { ...result, items: result.items.map(toDelivery) };
  }
}
