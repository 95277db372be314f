import { Args, Extensions, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { PartyModel } from '../agreements/models/party.model.js';
import type { PartyView } from '../agreements/party-view.js';
import { MAX_ITEMS } from '../common/query-limits.js';
import {
  ApprovalStatus,
  approvalDerivations,
  availableApprovalSteps,
  availablePartyActions,
  bodiesOf,
  currentBody,
  MAX_BODIES,
  type PartyAction,
} from '../workflow/index.js';
import { PartyActionOrMove } from './models/party-enums.js';
import { ProcedureStep } from './models/procedure-step.model.js';
import { ProcedureArgs } from './dto/procedure.args.js';
import { MAX_PROCEDURE_STEPS, ProcedureService } from './procedure.service.js';

/** What may be recorded for a party now, from the rules in src/workflow (docs/multilateral.md). */
@Resolver(() => PartyModel)
export class PartyFieldsResolver {
  constructor(private readonly procedures: ProcedureService) {}

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
      'The statuses a VOTE of its current body may record now (recordApprovalStep): forward along the track, or REJECTED, during PARLIAMENTARY_REVIEW only; after a rejection, outside MANUAL, the first steps of a new attempt.',
  })
  availableApprovalSteps(@Parent() party: PartyView): ApprovalStatus[] {
    const retry = !approvalDerivations(party.entryIntoForceKind).reject;
    return availableApprovalSteps(party.agreementStage, party, retry);
  }

  @ResolveField(() => [String], {
    description:
      'The bodies that approve it, in the order they act; its legislature alone unless others were given.',
  })
  @Extensions({ [MAX_ITEMS]: MAX_BODIES })
  bodies(@Parent() party: PartyView): string[] {
    return bodiesOf(party);
  }

  @ResolveField(() => String, {
    nullable: true,
    description:
      'The body that holds it now, whose track approvalStatus shows (the one that rejected it, when REJECTED); null once every body has approved, or when no approval is required.',
  })
  currentBody(@Parent() party: PartyView): string | null {
    return currentBody(party);
  }

  @ResolveField(() => Int, {
    description: 'Its attempt at approval: 1, then 2 once it started again after a rejection.',
  })
  approvalAttempt(@Parent() party: PartyView): number {
    return party.approvalAttempt;
  }

  @ResolveField(() => [ProcedureStep], {
    description:
      'The recorded steps of its domestic procedure, across attempts: the newest `last`, oldest first.',
  })
  @Extensions({ [MAX_ITEMS]: MAX_PROCEDURE_STEPS })
  async procedure(
    @Parent() party: PartyView,
    @Args() { last }: ProcedureArgs,
  ): Promise<ProcedureStep[]> {
    return (await this.procedures.procedureOf(party)).slice(-last);
  }
}
