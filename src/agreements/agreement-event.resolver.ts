import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { AgreementEventEntity } from '../events/entities/agreement-event.entity.js';
import { AgreementEventModel } from '../events/models/agreement-event.model.js';
import { AgreementsService } from './agreements.service.js';
import { AgreementModel } from './models/agreement.model.js';

/** The fields of an event that lead back to its agreement (the events module knows none). */
@Resolver(() => AgreementEventModel)
export class AgreementEventResolver {
  constructor(private readonly agreements: AgreementsService) {}

  @ResolveField(() => AgreementModel, { description: 'The agreement, as it is now.' })
  agreement(@Parent() event: AgreementEventEntity) {
    return this.agreements.findById(event.agreementId);
  }
}
