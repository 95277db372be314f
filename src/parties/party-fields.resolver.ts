import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { PartyModel } from '../agreements/models/party.model.js';
import type { PartyView } from '../agreements/party-view.js';
import {
  ApprovalStatus,
  availableApprovalSteps,
  availablePartyActions,
  type PartyAction,
} from '../workflow/index.js';
import { PartyActionOrMove } from './models/party-enums.js';

/** What may be recorded for a party now, from the rules in src/workflow (docs/multilateral.md). */
@Resolver(() => PartyModel)
export class PartyFieldsResolver {
  // The GraphQL enum PartyAction is registered on the actions and the moves (party-enums.ts).
  @ResolveField(() => [PartyActionOrMove], {
    description:
      'The party actions its status and the agreement’s stage allow now (recordPartyAction); CONSENT is listed when some means would do.',
  })
  availableActions(@Parent() party: PartyView): PartyAction[] {
    return availablePartyActions(party.agreementStage, party);
  }

  @ResolveField(() => [ApprovalStatus], {
    description:
      'The approval steps that may be recorded for it now (recordApprovalStep): forward along the track, or REJECTED, during PARLIAMENTARY_REVIEW only.',
  })
  availableApprovalSteps(@Parent() party: PartyView): ApprovalStatus[] {
    return availableApprovalSteps(party.agreementStage, party);
  }
}
