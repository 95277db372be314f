import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { AgreementCache } from './agreement-cache.js';
import { AgreementEventResolver } from './agreement-event.resolver.js';
import { AgreementsResolver } from './agreements.resolver.js';
import { AgreementsService } from './agreements.service.js';

@Module({
  imports: [EventsModule],
  providers: [AgreementCache, AgreementsService, AgreementsResolver, AgreementEventResolver],
  exports: [AgreementsService, AgreementCache],
})
export class AgreementsModule {}
