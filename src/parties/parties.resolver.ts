import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { AgreementModel } from '../agreements/models/agreement.model.js';
import { Authorize, CurrentPrincipal } from '../auth/authorize.decorator.js';
import type { Principal } from '../auth/principal.js';
import { Role } from '../auth/role.js';
import { AddPartyInput } from './dto/add-party.input.js';
import { RecordPartyActionInput } from './dto/record-party-action.input.js';
import { PartyActionsService } from './party-actions.service.js';

@Resolver(() => AgreementModel)
export class PartiesResolver {
  constructor(private readonly service: PartyActionsService) {}

  @Mutation(() => AgreementModel, {
    description:
      "Records a step of one party's path to being bound (sign, consent, withdrawal notice, ...): see `workflow { partyTransitions }`.",
  })
  @Authorize(Role.EDITOR)
  recordPartyAction(
    @Args('input') input: RecordPartyActionInput,
    @CurrentPrincipal() actor: Principal,
  ) {
    return this.service.recordPartyAction(input, actor);
  }

  @Mutation(() => AgreementModel, {
    description: 'Adds a state that joins the agreement later; it starts NEGOTIATING.',
  })
  @Authorize(Role.EDITOR)
  addParty(@Args('input') input: AddPartyInput, @CurrentPrincipal() actor: Principal) {
    return this.service.addParty(input, actor);
  }
}
