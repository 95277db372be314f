import { Args, Query, Resolver, Subscription } from '@nestjs/graphql';
import {
  AgreementEventsSubscriptionArgs,
  AgreementSubscriptionArgs,
  EventsArgs,
  PartySubscriptionArgs,
} from './dto/events.args.js';
import { AgreementEventEntity, AgreementEventType } from './entities/agreement-event.entity.js';
import { EventsService } from './events.service.js';
import { AgreementEventConnection, AgreementEventModel } from './models/agreement-event.model.js';

/** Subscriptions yield the events themselves. */
const asPayload = { resolve: (event: AgreementEventEntity) => event };

@Resolver(() => AgreementEventModel)
export class EventsResolver {
  constructor(private readonly service: EventsService) {}

  @Query(() => AgreementEventConnection, {
    description: 'The event log, oldest first, of every agreement or one.',
  })
  events(@Args() { agreementId, ...page }: EventsArgs) {
    return this.service.page(agreementId, page);
  }

  @Subscription(() => AgreementEventModel, {
    ...asPayload,
    description: 'Stage changes (STAGE_CHANGED events) as they commit.',
  })
  agreementStageChanged(@Args() { agreementId }: AgreementSubscriptionArgs) {
    return this.service.follow({ agreementId, types: [AgreementEventType.STAGE_CHANGED] });
  }

  @Subscription(() => AgreementEventModel, {
    ...asPayload,
    description: "Parties' approval steps (APPROVAL_UPDATED events) as they commit.",
  })
  approvalUpdated(@Args() { agreementId }: AgreementSubscriptionArgs) {
    return this.service.follow({ agreementId, types: [AgreementEventType.APPROVAL_UPDATED] });
  }

  @Subscription(() => AgreementEventModel, {
    ...asPayload,
    description:
      "Parties' paths to being bound (PARTY_UPDATED and PARTY_ADDED events) as they commit: their actions and the moves the server makes for them.",
  })
  partyUpdated(@Args() { agreementId, partyCode }: PartySubscriptionArgs) {
    return this.service.follow({
      agreementId,
      partyCode,
      types: [AgreementEventType.PARTY_UPDATED, AgreementEventType.PARTY_ADDED],
    });
  }

  @Subscription(() => AgreementEventModel, {
    ...asPayload,
    description:
      'Every event; with `after`, the log after that cursor first, then live, with no gap and no duplicate.',
  })
  agreementEvents(@Args() { agreementId, after }: AgreementEventsSubscriptionArgs) {
    return this.service.follow({ agreementId, after });
  }
}
