import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../../common/date-time.scalar.js';
import { AgreementEventType } from '../../events/entities/agreement-event.entity.js';

@ObjectType('Webhook', {
  description:
    'Where matching events are POSTed, signed as Standard Webhooks says (README, "Webhooks"). Its secret is never shown again.',
})
export class WebhookModel {
  @Field(() => ID)
  id: string;

  @Field()
  url: string;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => [AgreementEventType], { nullable: true, description: 'null: every type.' })
  eventTypes: AgreementEventType[] | null;

  @Field(() => ID, { nullable: true })
  agreementId: string | null;

  @Field(() => String, { nullable: true })
  partyCode: string | null;

  @Field({ description: 'false: nothing is sent until an admin enables it again.' })
  enabled: boolean;

  @Field(() => DateTime, { nullable: true })
  disabledAt: Date | null;

  @Field(() => String, { nullable: true, description: 'Why it was disabled, and by whom.' })
  disabledReason: string | null;

  @Field(() => Int, {
    description:
      'Its place in the log: every event up to this sequence was delivered or did not match (written every quarter second while it delivers).',
  })
  position: number;

  @Field(() => Int, { description: 'Failed attempts in a row on the next event.' })
  failures: number;

  @Field(() => DateTime, { nullable: true, description: 'When the current run of failures began.' })
  failingSince: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When the failed event is tried again.' })
  nextAttemptAt: Date | null;

  @Field(() => String, { nullable: true })
  lastError: string | null;

  @Field(() => DateTime, { nullable: true })
  lastDeliveredAt: Date | null;

  @Field({ description: 'The token name that created it.' })
  createdBy: string;

  @Field(() => DateTime)
  createdAt: Date;

  @Field(() => DateTime)
  updatedAt: Date;
}

@ObjectType('WebhookDelivery', { description: 'One attempt to deliver an event to a webhook.' })
export class WebhookDeliveryModel {
  @Field(() => ID)
  id: number;

  @Field(() => Int, { description: 'The event’s sequence.' })
  sequence: number;

  @Field(() => AgreementEventType)
  eventType: AgreementEventType;

  @Field({ description: 'The `webhook-id` header: the same on every attempt at this event.' })
  messageId: string;

  @Field(() => Int, { description: '1 for the first attempt at this event, 2 for the next, …' })
  attempt: number;

  @Field({ description: 'Asked for by an admin with `redeliver`, outside the webhook’s order.' })
  redelivery: boolean;

  @Field(() => DateTime)
  attemptedAt: Date;

  @Field(() => Int)
  durationMs: number;

  @Field(() => Int, { nullable: true, description: 'null: no answer came.' })
  statusCode: number | null;

  @Field({ description: 'The receiver answered 2xx.' })
  succeeded: boolean;

  @Field(() => String, { nullable: true })
  error: string | null;

  @Field(() => DateTime, { nullable: true, description: 'When it is tried again.' })
  nextAttemptAt: Date | null;
}

@ObjectType()
export class CreatedWebhook {
  @Field({
    description:
      'The signing secret (whsec_…), shown this once: give it to the receiver to verify signatures.',
  })
  secret: string;

  @Field(() => WebhookModel)
  webhook: WebhookModel;
}
