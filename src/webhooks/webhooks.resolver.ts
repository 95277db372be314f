import { Args, Extensions, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authorize, CurrentPrincipal } from '../auth/authorize.decorator.js';
import type { Principal } from '../auth/principal.js';
import { Role } from '../auth/role.js';
import { MAX_PAGE_SIZE } from '../common/pagination.js';
import { MAX_ITEMS } from '../common/query-limits.js';
import {
  CreateWebhookInput,
  DeliveriesArgs,
  RedeliverArgs,
  UpdateWebhookInput,
  WebhookIdArgs,
} from './dto/webhook.input.js';
import { CreatedWebhook, WebhookDeliveryModel, WebhookModel } from './models/webhook.model.js';
import { messageId } from './signing.js';
import type { WebhookDeliveryEntity, WebhookEntity } from './webhook.entity.js';
import { MAX_WEBHOOKS, WebhooksService } from './webhooks.service.js';

/** Webhooks are an admin's: their URLs and deliveries say who watches what. */
@Resolver(() => WebhookModel)
export class WebhooksResolver {
  constructor(private readonly service: WebhooksService) {}

  @Query(() => [WebhookModel], { description: 'Every webhook (ADMIN).' })
  @Extensions({ [MAX_ITEMS]: MAX_WEBHOOKS })
  @Authorize(Role.ADMIN)
  webhooks() {
    return this.service.list();
  }

  @Query(() => WebhookModel, { nullable: true, description: 'One webhook (ADMIN).' })
  @Authorize(Role.ADMIN)
  webhook(@Args() { id }: WebhookIdArgs) {
    return this.service.get(id);
  }

  @ResolveField(() => [WebhookDeliveryModel], {
    description: `Its newest delivery attempts, newest first (the last 100 are kept).`,
  })
  @Extensions({ [MAX_ITEMS]: MAX_PAGE_SIZE })
  deliveries(@Parent() webhook: WebhookEntity, @Args() { first }: DeliveriesArgs) {
    return this.service.deliveries(webhook.id, first);
  }

  @Mutation(() => CreatedWebhook, {
    description:
      'Registers a webhook (ADMIN): every event committed from now on that matches its filter is POSTed to it, signed with the secret returned this once.',
  })
  @Authorize(Role.ADMIN)
  createWebhook(@Args('input') input: CreateWebhookInput, @CurrentPrincipal() actor: Principal) {
    return this.service.create(input, actor);
  }

  @Mutation(() => WebhookModel, {
    description: 'Changes a webhook (ADMIN); `enabled: true` resumes a disabled one.',
  })
  @Authorize(Role.ADMIN)
  updateWebhook(@Args('input') input: UpdateWebhookInput, @CurrentPrincipal() actor: Principal) {
    return this.service.update(input, actor);
  }

  @Mutation(() => WebhookModel, {
    description: 'Deletes a webhook and its delivery records (ADMIN); returns it as it was.',
  })
  @Authorize(Role.ADMIN)
  deleteWebhook(@Args() { id }: WebhookIdArgs) {
    return this.service.delete(id);
  }

  @Mutation(() => CreatedWebhook, {
    description:
      'A new signing secret, shown this once (ADMIN); for 24 hours messages are signed with the old one too.',
  })
  @Authorize(Role.ADMIN)
  rotateWebhookSecret(@Args() { id }: WebhookIdArgs) {
    return this.service.rotateSecret(id);
  }

  @Mutation(() => WebhookDeliveryModel, {
    description:
      'Sends one event the webhook was sent before again, now, and answers with the attempt (ADMIN).',
  })
  @Authorize(Role.ADMIN)
  redeliver(@Args() { webhookId, sequence }: RedeliverArgs) {
    return this.service.redeliver(webhookId, sequence);
  }
}

@Resolver(() => WebhookDeliveryModel)
export class WebhookDeliveriesResolver {
  @ResolveField(() => String)
  messageId(@Parent() delivery: WebhookDeliveryEntity): string {
    return messageId(delivery.webhookId, delivery.sequence);
  }

  @ResolveField(() => Boolean)
  succeeded(@Parent() delivery: WebhookDeliveryEntity): boolean {
    return delivery.error === null;
  }
}
