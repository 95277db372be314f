import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { TestingModule } from '@nestjs/testing';
import { servicesOnSqlite } from '../../test/support/testing-module.js';
import { AgreementsService } from '../agreements/agreements.service.js';
import { BOOTSTRAP_ADMIN } from '../auth/principal.js';
import { DomainError } from '../common/domain-error.js';
import { Database } from '../database/database.service.js';
import { AgreementKind, WorkflowAction } from '../workflow/index.js';
import type { AgreementEventEntity } from './entities/agreement-event.entity.js';
import { AgreementEventType } from './entities/agreement-event.entity.js';
import { EVENT_BUS, type BusSubscriber, type EventBus } from './event-bus.js';
import { EventFeed, MAX_WAITING, PAGE } from './event-feed.js';
import { EventLog } from './event-log.service.js';

/** A bus whose deliveries the test decides: what was published waits in `outbox`. */
class ControlledBus implements EventBus {
  readonly outbox: AgreementEventEntity[] = [];
  private readonly subscribers = new Set<BusSubscriber>();
  publish(events: readonly AgreementEventEntity[]): void {
    this.outbox.push(...events);
  }
  subscribe(subscriber: BusSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }
  subscriberCount(): number {
    return this.subscribers.size;
  }
  ping(): Promise<void> {
    return Promise.resolve();
  }

  status(): 'in-process' {
    return 'in-process';
  }
  deliver(...sequences: number[]): void {
    for (const sequence of sequences) {
      const event = this.outbox.find((candidate) => candidate.sequence === sequence);
      for (const subscriber of this.subscribers) subscriber.next(event!);
    }
  }
}

describe('the event log and its feeds', () => {
  let module: TestingModule;
  let bus: ControlledBus;
  let log: EventLog;
  let agreements: AgreementsService;
  let agreementId: string;

  beforeEach(async () => {
    bus = new ControlledBus();
    module = await servicesOnSqlite().overrideProvider(EVENT_BUS).useValue(bus).compile();
    log = module.get(EventLog);
    agreements = module.get(AgreementsService);
    const created = await agreements.create(
      {
        title: 'Feed test',
        kind: AgreementKind.OTHER,
        parties: [
          { code: 'FR', name: 'France', approvalRequired: true },
          { code: 'DE', name: 'Germany', approvalRequired: true },
        ],
      },
      BOOTSTRAP_ADMIN,
    );
    agreementId = created.id;
  });
  afterEach(() => module.close());

  const cycle = (action: WorkflowAction) =>
    agreements.advance({ agreementId, action }, BOOTSTRAP_ADMIN);
  const next = async (feed: EventFeed) => (await feed.next()).value as AgreementEventEntity;

  it('publishes after commit, and a rolled-back write leaves no event, no message and no hole', async () => {
    expect(bus.outbox.map((event) => event.sequence)).toEqual([1]);
    await expect(
      log.write(async (writer) => {
        await writer.append([
          {
            agreementId,
            type: AgreementEventType.DETAILS_UPDATED,
            occurredAt: new Date(),
            actor: 'test',
          },
        ]);
        throw DomainError.badInput({ test: 'fails after appending' });
      }),
    ).rejects.toBeInstanceOf(DomainError);
    expect(await log.head()).toBe(1);
    expect(bus.outbox).toHaveLength(1);
    await cycle(WorkflowAction.STALL);
    expect(bus.outbox.map((event) => event.sequence)).toEqual([1, 2]);
  });

  it('is append-only in the database itself', async () => {
    const db = module.get(Database);
    expect(await db.select('SELECT "sequence" FROM "agreement_event"')).toEqual([{ sequence: 1 }]);
    // better-sqlite3's SqliteError is not always an Error of jest's realm, which toThrow needs.
    const refused = { message: expect.stringContaining('append-only') };
    await expect(
      db.write((tx) => tx.execute(`UPDATE "agreement_event" SET "actor" = 'forger'`)),
    ).rejects.toMatchObject(refused);
    await expect(
      db.write((tx) => tx.execute(`DELETE FROM "agreement_event"`)),
    ).rejects.toMatchObject(refused);
  });

  it('fills from the log what the bus lost, and drops what it delivers twice or late', async () => {
    const feed = new EventFeed(bus, log, {}, null);
    const first = next(feed); // starts the feed: it listens, then reads the head (1)
    await cycle(WorkflowAction.STALL); // 2
    await cycle(WorkflowAction.RESUME); // 3
    await cycle(WorkflowAction.STALL); // 4
    bus.deliver(4); // 2 and 3 are lost
    expect((await first).sequence).toBe(2);
    expect((await next(feed)).sequence).toBe(3);
    expect((await next(feed)).sequence).toBe(4);

    await cycle(WorkflowAction.RESUME); // 5
    bus.deliver(2, 3, 4, 5, 5);
    expect((await next(feed)).sequence).toBe(5);
    await cycle(WorkflowAction.STALL); // 6
    bus.deliver(6);
    expect((await next(feed)).sequence).toBe(6);
    await feed.return();
  });

  it('replays after a cursor, filtered, then goes live', async () => {
    await cycle(WorkflowAction.STALL); // 2
    await cycle(WorkflowAction.RESUME); // 3
    const feed = new EventFeed(
      bus,
      log,
      { agreementId, types: [AgreementEventType.STAGE_CHANGED] },
      2,
    );
    expect((await next(feed)).action).toBe(WorkflowAction.RESUME);
    const live = next(feed);
    await cycle(WorkflowAction.STALL); // 4
    bus.deliver(4);
    expect((await live).sequence).toBe(4);
    await feed.return();
  });

  /** Appends `count` events to the log, 1000 to a statement; returns their sequences. */
  const appendMany = (count: number) =>
    log.write(async (writer) => {
      const sequences: number[] = [];
      for (let written = 0; written < count; written += 1000) {
        const appended = await writer.append(
          Array.from({ length: Math.min(1000, count - written) }, () => ({
            agreementId,
            type: AgreementEventType.DETAILS_UPDATED,
            occurredAt: new Date(),
            actor: 'test',
          })),
        );
        sequences.push(...appended.map((event) => event.sequence));
      }
      return sequences;
    });

  it('lets the event loop serve others between two pages of a replay', async () => {
    await appendMany(PAGE * 3);
    const feed = new EventFeed(bus, log, {}, 0);
    let consumedWhenServed: number | null = null;
    let consumed = 0;
    setImmediate(() => (consumedWhenServed = consumed));
    while (consumed < PAGE * 3 + 1) {
      await next(feed);
      consumed += 1;
    }
    await feed.return();
    // The reads of an in-memory database never wait for I/O: without a pause between pages
    // the whole replay would run before the callback.
    expect(consumedWhenServed).toBeLessThanOrEqual(PAGE);
  });

  it('keeps at most MAX_WAITING live events for a subscriber that does not read, then reads the log', async () => {
    const feed = new EventFeed(bus, log, {}, null);
    const first = next(feed); // listening, at the head (1)
    await new Promise((resolve) => setImmediate(resolve));
    const sequences = await appendMany(MAX_WAITING * 3);
    bus.deliver(...sequences);
    const waiting = (feed as unknown as { inbox: unknown[] }).inbox.length;
    expect(waiting).toBeLessThanOrEqual(MAX_WAITING);
    const received = [(await first).sequence];
    while (received.length < sequences.length) {
      received.push((await next(feed)).sequence);
    }
    expect(received).toEqual(sequences);
    await feed.return();
  });

  it('stops listening when the subscriber leaves, even while it waits for an event', async () => {
    const feed = new EventFeed(bus, log, {}, null);
    const pending = feed.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bus.subscriberCount()).toBe(1);
    await feed.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(bus.subscriberCount()).toBe(0);
  });
});
