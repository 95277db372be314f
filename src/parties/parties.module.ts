import { Module } from '@nestjs/common';
import { AgreementsModule } from '../agreements/agreements.module.js';
import { EventsModule } from '../events/events.module.js';
import { ClauseScheduler } from './clause-scheduler.service.js';
import { PartiesResolver } from './parties.resolver.js';
import { PartyFieldsResolver } from './party-fields.resolver.js';
import { PartyActionsService } from './party-actions.service.js';
import { ProcedureService } from './procedure.service.js';

@Module({
  imports: [EventsModule, AgreementsModule],
  providers: [
    PartyActionsService,
    PartiesResolver,
    PartyFieldsResolver,
    ProcedureService,
    ClauseScheduler,
  ],
  exports: [PartyActionsService],
})
export class PartiesModule {}
