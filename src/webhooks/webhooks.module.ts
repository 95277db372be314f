import { Module } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { EventsModule } from '../events/events.module.js';
import { WebhookDispatcher } from './webhook-dispatcher.service.js';
import { WebhookDeliveriesResolver, WebhooksResolver } from './webhooks.resolver.js';
import { WebhooksService } from './webhooks.service.js';

@Module({
  imports: [EventsModule],
  providers: [
    Clock,
    WebhookDispatcher,
    WebhooksService,
    WebhooksResolver,
    WebhookDeliveriesResolver,
  ],
  exports: [Clock, WebhookDispatcher],
})
export class WebhooksModule {}
