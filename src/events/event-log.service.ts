import { Inject, Injectable } from '@nestjs/common';
import { toConnection, type Connection, type PageRequest } from '../common/pagination.js';
import { columns, Database, type Execute, type Select } from '../database/database.service.js';
import {
  AgreementEventEntity,
  type AgreementEventType,
} from './entities/agreement-event.entity.js';
import { EVENT_BUS, type EventBus } from './event-bus.js';

/** An event about to be appended: the log assigns `sequence` and `recordedAt`. */
export type NewEvent = Partial<AgreementEventEntity> &
  Pick<AgreementEventEntity, 'agreementId' | 'type' | 'occurredAt' | 'actor'>;

export interface EventFilter {
  readonly agreementId?: string;
  readonly types?: readonly AgreementEventType[];
  /** Only the events about this party (`partyCode`). */
  readonly partyCode?: string;
}

const eventCursor = (event: AgreementEventEntity) => event.cursor;

/** The columns of an event row, in the order `append` writes them. */
const EVENT_COLUMNS = [
  'sequence',
  'agreementId',
  'type',
  'action',
  'fromStage',
  'toStage',
  'partyCode',
  'approvalStatus',
  'votesFor',
  'votesAgainst',
  'abstentions',
  'body',
  'stepKind',
  'yesPercent',
  'turnoutPercent',
  'binding',
  'partyApprovalStatus',
  'attempt',
  'partyAction',
  'partyStatus',
  'consentMeans',
  'reference',
  'occurredAt',
  'recordedAt',
  'actor',
  'note',
  'sourceUrl',
  'changedFields',
] as const;

/** The handle a writing transaction gets: SQL inside it, and the log to append to. */
export class LogWriter {
  readonly appended: AgreementEventEntity[] = [];

  constructor(
    /** SELECTs inside this transaction. */
    readonly select: Select,
    /** Any statement inside this transaction. */
    readonly execute: Execute,
    /** The SQL transaction, shared by the writes of one SQLite group (see Transaction). */
    readonly scope: object = {},
    /** Sequences handed out by the transaction itself (see Transaction.sequences). */
    private readonly sequences?: (count: number) => number,
  ) {}

  /**
   * Appends events in order. Their sequences come from the counter row, held by this
   * transaction until commit (updated here, or, in a PostgreSQL group, counted in memory and
   * written with the group's COMMIT): numbers are handed out in commit order, and a rollback
   * gives them back, leaving no hole.
   */
  async append(events: readonly NewEvent[]): Promise<AgreementEventEntity[]> {
    if (events.length === 0) {
      return [];
    }
    const first = this.sequences
      ? this.sequences(events.length)
      : await this.counterUpdated(events.length);
    const recordedAt = new Date();
    const appended = events.map((event, index) =>
      Object.assign(new AgreementEventEntity(), {
        action: null,
        fromStage: null,
        toStage: null,
        partyCode: null,
        approvalStatus: null,
        votesFor: null,
        votesAgainst: null,
        abstentions: null,
        body: null,
        stepKind: null,
        yesPercent: null,
        turnoutPercent: null,
        binding: null,
        partyApprovalStatus: null,
        attempt: null,
        partyAction: null,
        partyStatus: null,
        consentMeans: null,
        reference: null,
        note: null,
        sourceUrl: null,
        changedFields: null,
        ...event,
        sequence: first + index,
        recordedAt,
      }),
    );
    const placeholders = `(${EVENT_COLUMNS.map(() => '?').join(', ')})`;
    await this.execute(
      `INSERT INTO "agreement_event" (${EVENT_COLUMNS.map((column) => `"${column}"`).join(', ')})
       VALUES ${appended.map(() => placeholders).join(', ')}`,
      appended.flatMap((event) =>
        EVENT_COLUMNS.map((column) =>
          column === 'changedFields'
            ? event.changedFields && JSON.stringify(event.changedFields)
            : event[column],
        ),
      ),
    );
    this.appended.push(...appended);
    return appended;
  }

  /** Moves the counter row on by `count`, and gives the first of the sequences it passed. */
  private async counterUpdated(count: number): Promise<number> {
    const { rows } = await this.execute<{ lastSequence: number | string }>(
      'UPDATE "event_counter" SET "lastSequence" = "lastSequence" + ? WHERE "id" = 1 RETURNING "lastSequence"',
      [count],
    );
    return Number(rows[0].lastSequence) - count + 1;
  }
}

async function lastSequence(select: Select): Promise<number> {
  const [row] = await select<{ lastSequence: number | string }>(
    'SELECT "lastSequence" FROM "event_counter" WHERE "id" = 1',
  );
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
      (tx) => {
        writer = new LogWriter(tx.select, tx.execute, tx.scope, tx.sequences);
        return work(writer);
      },
      () => this.bus.publish(writer?.appended ?? []),
    );
  }

  /** The sequence of the last committed event (0 for an empty log). */
  head(): Promise<number> {
    return lastSequence(this.db.select);
  }

  /** See readLogAfter. */
  readAfter(
    position: number,
    filter: EventFilter,
    limit: number,
    upTo?: number,
  ): Promise<{ events: AgreementEventEntity[]; head: number }> {
    return readLogAfter(this.db.select, position, filter, limit, upTo);
  }

  /** One page of the log, oldest first, for the `events` query and an agreement's timeline. */
  async page(filter: EventFilter, page: PageRequest): Promise<Connection<AgreementEventEntity>> {
    const { sql, params } = pageQuery(filter, page);
    return this.pageFrom(filter, page, await this.db.selectValues(sql, params));
  }

  /** The page `page` of the log from its rows, read by `pageQuery` (or `pageAsJson`). */
  pageFrom(
    filter: EventFilter,
    page: PageRequest,
    rows: readonly (readonly unknown[])[],
  ): Connection<AgreementEventEntity> {
    const { where, params } = filtered(filter);
    const total = async () => {
      const [{ count }] = await this.db.select<{ count: number | string }>(
        `SELECT COUNT(*) AS "count" FROM "agreement_event" WHERE ${where}`,
        params,
      );
      return Number(count);
    };
    return toConnection(rows.map(eventFromValues), page, total, eventCursor);
  }
}

/**
 * Up to `limit` events matching `filter` with `position < sequence <= min(head, upTo)`, oldest
 * first, and the head of the log read before them: when fewer than `limit` come back, every
 * matching event up to `min(head, upTo)` has been seen (an event at or below a head it read has
 * committed). An `upTo` past the head reads no further than the head.
 */
export async function readLogAfter(
  select: Select,
  position: number,
  filter: EventFilter,
  limit: number,
  upTo?: number,
): Promise<{ events: AgreementEventEntity[]; head: number }> {
  const head = await lastSequence(select);
  const { where, params } = filtered(filter);
  const rows = await select(
    `SELECT * FROM "agreement_event" WHERE ${where} AND "sequence" > ? AND "sequence" <= ?
     ORDER BY "sequence" LIMIT ?`,
    [...params, position, Math.min(upTo ?? head, head), limit],
  );
  return { events: rows.map(eventFrom), head };
}

/** The SELECT of a page of the log (SelectValues' rows, in EVENT_COLUMNS' order), and its parameters. */
function pageQuery(filter: EventFilter, page: PageRequest): { sql: string; params: unknown[] } {
  const { where, params } = filtered(filter);
  return {
    sql: `SELECT ${EVENT_SELECT} FROM "agreement_event" WHERE ${where} AND "sequence" > ?
       ORDER BY "sequence" ${page.fromEnd ? 'DESC' : 'ASC'} LIMIT ?`,
    params: [...params, page.after, page.size + 1],
  };
}

/**
 * PostgreSQL: the rows of `pageQuery` as one JSON value, an expression to put in the select list
 * of another statement: an array of each row's values, in order (null for none). JSON gives the
 * dates as ISO text, which `columns.date` reads.
 */
export function pageAsJson(
  filter: EventFilter,
  page: PageRequest,
): { sql: string; params: unknown[] } {
  const { sql, params } = pageQuery(filter, page);
  const order = page.fromEnd ? 'DESC' : 'ASC';
  return {
    sql: `(SELECT json_agg(json_build_array(${EVENT_SELECT}) ORDER BY "sequence" ${order}) FROM (${sql}) AS "page")`,
    params,
  };
}

/** The WHERE clause of a filter, and its parameters. */
function filtered(filter: EventFilter): { where: string; params: unknown[] } {
  const conditions = ['1 = 1'];
  const params: unknown[] = [];
  if (filter.agreementId) {
    conditions.push('"agreementId" = ?');
    params.push(filter.agreementId);
  }
  if (filter.types?.length) {
    conditions.push(`"type" IN (${filter.types.map(() => '?').join(', ')})`);
    params.push(...filter.types);
  }
  if (filter.partyCode) {
    conditions.push('"partyCode" = ?');
    params.push(filter.partyCode);
  }
  return { where: conditions.join(' AND '), params };
}

export function eventFrom(row: Record<string, unknown>): AgreementEventEntity {
  return typed(Object.assign(new AgreementEventEntity(), row));
}

/** The columns a read of whole events selects, in EVENT_COLUMNS' order. */
const EVENT_SELECT = EVENT_COLUMNS.map((column) => `"${column}"`).join(', ');

/** An event from its row's values (SelectValues), in EVENT_COLUMNS' order. */
export function eventFromValues(values: readonly unknown[]): AgreementEventEntity {
  const event = new AgreementEventEntity() as unknown as Record<string, unknown>;
  for (let i = 0; i < EVENT_COLUMNS.length; i += 1) {
    event[EVENT_COLUMNS[i]] = values[i];
  }
  return typed(event as unknown as AgreementEventEntity);
}

/** `event` with its columns as the database returns them turned into their types, in place. */
function typed(event: AgreementEventEntity): AgreementEventEntity {
  const row = event as unknown as Record<string, unknown>;
  event.sequence = Number(row.sequence);
  event.occurredAt = columns.date(row.occurredAt);
  event.recordedAt = columns.date(row.recordedAt);
  event.changedFields = columns.json<string[]>(row.changedFields);
  event.yesPercent = row.yesPercent == null ? null : Number(row.yesPercent);
  event.turnoutPercent = row.turnoutPercent == null ? null : Number(row.turnoutPercent);
  event.binding = row.binding == null ? null : columns.boolean(row.binding);
  event.attempt = row.attempt == null ? null : Number(row.attempt);
  return event;
}
