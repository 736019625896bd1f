import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Paginated } from './page.type';

@InputType()
export class CreateWebhookInput {
  @Field({ description: 'The LMS endpoint (http or https) that receives signed JSON POSTs.' })
  url: string;

  @Field(() => [String], {
    description: 'Some of attendance.marked, attendance.changed, session.opened, session.closed.',
  })
  events: string[];

  @Field(() => [ID], {
    nullable: true,
    description: 'Only these courses; none = every course of the institution.',
  })
  courseIds?: string[] | null;
}

@ObjectType('WebhookSubscription')
export class WebhookSubscriptionType {
  @Field(() => ID)
  id: string;
  @Field()
  url: string;
  @Field(() => [String])
  events: string[];
  @Field(() => [ID])
  courseIds: string[];
  @Field()
  active: boolean;
  @Field()
  createdBy: string;
  @Field()
  createdAt: Date;
}

@ObjectType()
export class CreatedWebhook {
  @Field(() => WebhookSubscriptionType)
  subscription: WebhookSubscriptionType;

  @Field({ description: 'The HMAC-SHA256 signing secret, shown only now.' })
  secret: string;
}

@ObjectType('WebhookDelivery')
export class WebhookDeliveryType {
  @Field(() => ID, { description: 'Also the envelope id receivers de-duplicate on.' })
  id: string;
  @Field(() => ID)
  subscriptionId: string;
  @Field()
  event: string;
  @Field({ description: 'PENDING (being tried), DELIVERED or FAILED (attempts exhausted; replay it).' })
  status: string;
  @Field(() => Int)
  attempts: number;
  @Field(() => Int, { nullable: true })
  lastStatusCode: number | null;
  @Field(() => String, { nullable: true })
  lastError: string | null;
  @Field()
  createdAt: Date;
  @Field(() => Date, { nullable: true })
  lastAttemptAt: Date | null;
  @Field(() => Date, { nullable: true })
  deliveredAt: Date | null;
  @Field(() => GraphQLJSONObject, { description: 'The exact JSON body sent.' })
  payload: Record<string, unknown>;
}

@ObjectType()
export class WebhookDeliveryPage extends Paginated(WebhookDeliveryType) {}
