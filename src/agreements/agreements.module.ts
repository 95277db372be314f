import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { AgreementEventResolver } from './agreement-event.resolver.js';
import { AgreementsResolver } from './agreements.resolver.js';
import { AgreementsService } from './agreements.service.js';

@Module({
  imports: [EventsModule],
  providers: [AgreementsService, AgreementsResolver, AgreementEventResolver],
  exports: [AgreementsService],
})
export class AgreementsModule {}
