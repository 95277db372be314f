import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  encodeCursor,
  toConnection,
  type Connection,
  type PageRequest,
} from '../common/pagination.js';
import { Database } from '../database/database.service.js';
import {
  AgreementEventEntity,
  type AgreementEventType,
} from './entities/agreement-event.entity.js';
import { EVENT_BUS, type EventBus } from './event-bus.js';

export const EVENT_CURSOR = 'event';

/** An event about to be appended: the log assigns `sequence` and `recordedAt`. */
export type NewEvent = Partial<AgreementEventEntity> &
  Pick<AgreementEventEntity, 'agreementId' | 'type' | 'occurredAt' | 'actor'>;

export interface EventFilter {
  readonly agreementId?: string;
  readonly types?: readonly AgreementEventType[];
}

export const eventCursor = (event: Pick<AgreementEventEntity, 'sequence'>) =>
  encodeCursor(EVENT_CURSOR, event.sequence);

/** The handle a writing transaction gets: its EntityManager, and the log to append to. */
export class LogWriter {
  readonly appended: AgreementEventEntity[] = [];

  constructor(readonly em: EntityManager) {}

  /**
   * Appends events in order. Their sequences come from the counter row, updated inside this
   * transaction: the update holds the row until commit, so numbers are handed out in commit
   * order, and a rollback gives them back, leaving no hole.
   */
  async append(events: readonly NewEvent[]): Promise<AgreementEventEntity[]> {
    if (events.length === 0) {
      return [];
    }
    await this.em
      .createQueryBuilder()
      .update('event_counter')
      .set({ lastSequence: () => `"lastSequence" + ${events.length}` })
      .where('id = 1')
      .execute();
    const last = await lastSequence(this.em);
    const recordedAt = new Date();
    const rows = events.map((event, index) =>
      this.em.create(AgreementEventEntity, {
        action: null,
        fromStage: null,
        toStage: null,
        partyCode: null,
        approvalStatus: null,
        votesFor: null,
        votesAgainst: null,
        abstentions: null,
        note: null,
        sourceUrl: null,
        changedFields: null,
        ...event,
        sequence: last - events.length + 1 + index,
        recordedAt,
      }),
    );
    await this.em.insert(AgreementEventEntity, rows);
    this.appended.push(...rows);
    return rows;
  }
}

async function lastSequence(em: EntityManager): Promise<number> {
  const row = await em
    .createQueryBuilder()
    .select('"lastSequence"', 'lastSequence')
    .from('event_counter', 'c')
    .where('c.id = 1')
    .getRawOne<{ lastSequence: number | string }>();
  return Number(row?.lastSequence ?? 0);
}

/** The append-only event log: every change is written through it and read back from it. */
@Injectable()
export class EventLog {
  constructor(
    private readonly db: Database,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
  ) {}

  /** Runs `work` in one transaction; the events it appends are published once it commits. */
  write<T>(work: (log: LogWriter) => Promise<T>): Promise<T> {
    let writer: LogWriter | undefined;
    return this.db.write(
      (em) => {
        writer = new LogWriter(em);
        return work(writer);
      },
      () => this.bus.publish(writer?.appended ?? []),
    );
  }

  /** The sequence of the last committed event (0 for an empty log). */
  head(): Promise<number> {
    return this.db.read(lastSequence);
  }

  /**
   * Up to `limit` events matching `filter` with `position < sequence <= upTo`, oldest first, and
   * the head of the log read in the same breath: when fewer than `limit` come back, every
   * matching event up to `min(head, upTo)` has been seen.
   */
  readAfter(
    position: number,
    filter: EventFilter,
    limit: number,
    upTo?: number,
  ): Promise<{ events: AgreementEventEntity[]; head: number }> {
    return this.db.read(async (em) => {
      const head = await lastSequence(em);
      const events = await filtered(em, filter)
        .andWhere('e.sequence > :position AND e.sequence <= :upTo', {
          position,
          upTo: upTo ?? head,
        })
        .orderBy('e.sequence', 'ASC')
        .limit(limit)
        .getMany();
      return { events, head };
    });
  }

  /** One page of the log, oldest first, for the `events` query and an agreement's timeline. */
  page(filter: EventFilter, page: PageRequest): Promise<Connection<AgreementEventEntity>> {
    return this.db.read(async (em) => {
      const [rows, totalCount] = await Promise.all([
        filtered(em, filter)
          .andWhere('e.sequence > :after', { after: page.after })
          .orderBy('e.sequence', page.fromEnd ? 'DESC' : 'ASC')
          .limit(page.size + 1)
          .getMany(),
        filtered(em, filter).getCount(),
      ]);
      return toConnection(rows, page, totalCount, eventCursor);
    });
  }
}

function filtered(em: EntityManager, filter: EventFilter) {
  const query = em.getRepository(AgreementEventEntity).createQueryBuilder('e').where('1 = 1');
  if (filter.agreementId) {
    query.andWhere('e.agreementId = :agreementId', { agreementId: filter.agreementId });
  }
  if (filter.types?.length) {
    query.andWhere('e.type IN (:...types)', { types: filter.types });
  }
  return query;
}
