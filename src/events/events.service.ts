import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import {
  decodeCursor,
  pageRequest,
  type Connection,
  type PageArgsShape,
} from '../common/pagination.js';
import { Database } from '../database/database.service.js';
import type {
  AgreementEventEntity,
  AgreementEventType,
} from './entities/agreement-event.entity.js';
import { EVENT_BUS, type EventBus } from './event-bus.js';
import { EventFeed } from './event-feed.js';
import { EVENT_CURSOR } from './entities/agreement-event.entity.js';
import { EventLog } from './event-log.service.js';

/** Reading the log: pages of it, and live feeds for subscriptions. */
@Injectable()
export class EventsService {
  constructor(
    private readonly db: Database,
    private readonly log: EventLog,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
  ) {}

  /** The log, or one agreement's part of it (NOT_FOUND for an unknown agreement). */
  async page(
    agreementId: string | null | undefined,
    args: PageArgsShape,
  ): Promise<Connection<AgreementEventEntity>> {
    if (agreementId) {
      await this.assertAgreementExists(agreementId);
    }
    return this.timeline(agreementId ?? undefined, args);
  }

  /** The events of an agreement known to exist (or of all, without one), oldest first. */
  timeline(
    agreementId: string | undefined,
    args: PageArgsShape,
  ): Promise<Connection<AgreementEventEntity>> {
    return this.log.page({ agreementId }, pageRequest(EVENT_CURSOR, args));
  }

  /**
   * A feed of the events of `types` (every type when omitted), of one agreement or all, from
   * after the cursor `after` (replayed from the log) or from now on.
   */
  async follow(options: {
    agreementId?: string | null;
    types?: readonly AgreementEventType[];
    partyCode?: string | null;
    after?: string | null;
  }): Promise<EventFeed> {
    const { agreementId, types, partyCode } = options;
    if (agreementId) {
      await this.assertAgreementExists(agreementId);
    }
    let position: number | null = null;
    if (options.after) {
      position = decodeCursor(EVENT_CURSOR, options.after);
      const head = await this.log.head();
      if (position > head) {
        throw DomainError.badInput({
          after: `the log ends at ${head}, before this cursor: it comes from another server or database`,
        });
      }
    }
    return new EventFeed(
      this.bus,
      this.log,
      { agreementId: agreementId ?? undefined, types, partyCode: partyCode ?? undefined },
      position,
    );
  }

  private async assertAgreementExists(id: string): Promise<void> {
    const [exists] = await this.db.select('SELECT 1 FROM "agreement" WHERE "id" = ?', [id]);
    if (!exists) {
      throw DomainError.notFound('agreement', id);
    }
  }
}
