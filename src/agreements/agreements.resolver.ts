import {
  Args,
  Extensions,
  Info,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { Authorize, CurrentPrincipal } from '../auth/authorize.decorator.js';
import type { Principal } from '../auth/principal.js';
import { Role } from '../auth/role.js';
import { EventsService } from '../events/events.service.js';
import { AgreementEventConnection } from '../events/models/agreement-event.model.js';
import { AgreementsService } from './agreements.service.js';
import { AdvanceAgreementInput } from './dto/advance-agreement.input.js';
import { AgreementArgs, AgreementsArgs, TimelineArgs } from './dto/agreements.args.js';
import { CreateAgreementInput } from './dto/create-agreement.input.js';
import { RecordApprovalStepInput } from './dto/record-approval-step.input.js';
import { UpdateAgreementInput } from './dto/update-agreement.input.js';
import type { AgreementEntity } from './entities/agreement.entity.js';
import { AgreementConnection, AgreementModel } from './models/agreement.model.js';
import { Workflow } from './models/workflow.model.js';
import { EntryIntoForce, ScheduledMove } from './models/entry-into-force.model.js';
import { PartyModel } from './models/party.model.js';
import { partyViews, type PartyView } from './party-view.js';
import { MAX_ITEMS } from '../common/query-limits.js';
import { pageRequest } from '../common/pagination.js';
import { EVENT_CURSOR } from '../events/entities/agreement-event.entity.js';
import { timelineAsked } from './timeline-lookahead.js';
import { MAX_PARTIES } from './dto/party.input.js';

@Resolver(() => AgreementModel)
export class AgreementsResolver {
  constructor(
    private readonly service: AgreementsService,
    private readonly events: EventsService,
  ) {}

  @Query(() => AgreementModel, { nullable: true })
  agreement(@Args() { id }: AgreementArgs, @Info() info: GraphQLResolveInfo) {
    // On PostgreSQL, the page of its timeline it asks for is read with it (timeline-lookahead.ts).
    const timeline = this.service.readsTimelineAhead ? timelineAsked(info) : null;
    return timeline ? this.service.findWithTimeline(id, timeline) : this.service.findById(id);
  }

  @Query(() => AgreementConnection, {
    description: 'Agreements in the order they were registered.',
  })
  agreements(@Args() args: AgreementsArgs) {
    return this.service.list(args);
  }

  @Query(() => Workflow, {
    description: 'Stages and transitions, read from the same table the server enforces.',
  })
  workflow() {
    return this.service.workflow();
  }

  @Mutation(() => AgreementModel, {
    description: 'Registers an agreement: in NEGOTIATION (EDITOR), or at a later stage (ADMIN).',
  })
  @Authorize(Role.EDITOR)
  createAgreement(
    @Args('input') input: CreateAgreementInput,
    @CurrentPrincipal() actor: Principal,
  ) {
    return this.service.create(input, actor);
  }

  @Mutation(() => AgreementModel, { description: 'Changes details only, never the stage.' })
  @Authorize(Role.EDITOR)
  updateAgreement(
    @Args('input') input: UpdateAgreementInput,
    @CurrentPrincipal() actor: Principal,
  ) {
    return this.service.update(input, actor);
  }

  @Mutation(() => AgreementModel, { description: 'Performs a workflow action.' })
  @Authorize(Role.ADMIN)
  advanceAgreement(
    @Args('input') input: AdvanceAgreementInput,
    @CurrentPrincipal() actor: Principal,
  ) {
    return this.service.advance(input, actor);
  }

  @Mutation(() => AgreementModel, {
    description:
      "Records a step of a party's domestic approval (in PARLIAMENTARY_REVIEW). The last required approval ratifies the agreement; a rejection rejects it.",
  })
  @Authorize(Role.EDITOR)
  recordApprovalStep(
    @Args('input') input: RecordApprovalStepInput,
    @CurrentPrincipal() actor: Principal,
  ) {
    return this.service.recordApprovalStep(input, actor);
  }

  @ResolveField(() => AgreementModel, {
    nullable: true,
    description: 'The agreement this one replaces.',
  })
  predecessor(@Parent() agreement: AgreementEntity) {
    return this.service.predecessorOf(agreement);
  }

  @ResolveField(() => AgreementModel, {
    nullable: true,
    description: 'The agreement that replaces this one.',
  })
  successor(@Parent() agreement: AgreementEntity) {
    return this.service.successorOf(agreement);
  }

  @ResolveField(() => [PartyModel])
  @Extensions({ [MAX_ITEMS]: MAX_PARTIES })
  parties(@Parent() agreement: AgreementEntity): PartyView[] {
    return partyViews(agreement);
  }

  @ResolveField(() => EntryIntoForce, {
    description:
      'Its entry-into-force clause and where it stands: consents, share, missing parties, the day the condition was met, the date.',
  })
  entryIntoForce(@Parent() agreement: AgreementEntity) {
    return this.service.entryIntoForce(agreement);
  }

  @ResolveField(() => [ScheduledMove], {
    description:
      'The moves the server will make on their dates (entry into force, parties bound, withdrawals taking effect, expiry), soonest first.',
  })
  @Extensions({ [MAX_ITEMS]: MAX_PARTIES + 2 })
  scheduled(@Parent() agreement: AgreementEntity) {
    return this.service.scheduled(agreement);
  }

  @ResolveField(() => AgreementEventConnection, {
    description: 'Its events in the order they were recorded, oldest first.',
  })
  timeline(@Parent() agreement: AgreementEntity, @Args() page: TimelineArgs) {
    return (
      this.service.timelineRead(agreement, pageRequest(EVENT_CURSOR, page)) ??
      this.events.timeline(agreement.id, page)
    );
  }
}
