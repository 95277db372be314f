import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { PartiesResolver } from './parties.resolver.js';
import { PartyActionsService } from './party-actions.service.js';

@Module({
  imports: [EventsModule],
  providers: [PartyActionsService, PartiesResolver],
  exports: [PartyActionsService],
})
export class PartiesModule {}
