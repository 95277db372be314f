import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AgreementEventEntity } from './entities/agreement-event.entity.js';
import type { EventBus } from './event-bus.js';
import type { EventFilter, EventLog } from './event-log.service.js';

/**
 * How many events one catch-up read takes from the log; between two pages the feed lets the
 * event loop serve others, so that a long replay never holds up the server (on SQLite a read
 * does not wait for I/O, and a page could otherwise follow the other without a pause).
 */
export const PAGE = 100;
/**
 * How many live events wait for a subscriber that is not reading. Past that the waiting events
 * are dropped and the subscriber reads them from the log when it reads again: its memory is
 * bounded whatever it does, and it still misses nothing. Waiting events are shared with every
 * other subscriber, so each costs a reference; the bound is well above what one group commit
 * delivers at once, so that a burst of writes does not send every subscriber to the log together.
 */
export const MAX_WAITING = 1000;

/**
 * One subscriber's stream of events: the log after a position, then live events, in sequence
 * order, each once.
 *
 * It listens to the bus before it reads the log, so an event committed while the replay runs
 * is either in what the replay reads or in the inbox (or both: the position drops the copy).
 * Live events arrive for every agreement, and the position follows the global sequence, so a
 * missing number (a message the bus lost, or two publishes overtaking each other) is seen and
 * read from the log before the event after it is delivered. When more than MAX_WAITING events
 * wait for a subscriber that does not read, they are dropped and the log is read up to its head,
 * in pages (PAGE).
 */
export class EventFeed implements AsyncIterableIterator<AgreementEventEntity> {
  private readonly inbox: AgreementEventEntity[] = [];
  private wake: (() => void) | null = null;
  private closed = false;
  /** Live events were dropped (MAX_WAITING): read the log up to its head before going on. */
  private catchUpRequested = false;
  private readonly unsubscribe: () => void;
  private readonly events: AsyncGenerator<AgreementEventEntity, void>;

  /** `after`: the sequence to replay after, or null to start with events from now on. */
  constructor(
    bus: EventBus,
    private readonly log: EventLog,
    private readonly filter: EventFilter,
    after: number | null,
  ) {
    this.unsubscribe = bus.subscribe({
      next: (event) => {
        if (this.inbox.length < MAX_WAITING) {
          this.inbox.push(event);
        } else {
          this.inbox.length = 0;
          this.catchUpRequested = true;
        }
        this.wake?.();
      },
    });
    this.events = this.run(after);
  }

  next(): Promise<IteratorResult<AgreementEventEntity, void>> {
    return this.events.next();
  }

  return(): Promise<IteratorResult<AgreementEventEntity, void>> {
    this.close();
    return this.events.return();
  }

  throw(error?: unknown): Promise<IteratorResult<AgreementEventEntity, void>> {
    this.close();
    return this.events.throw(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private close(): void {
    if (!this.closed) {
      this.closed = true;
      this.unsubscribe();
      this.wake?.();
    }
  }

  private async *run(after: number | null): AsyncGenerator<AgreementEventEntity, void> {
    try {
      let position = after ?? (await this.log.head());
      position = yield* this.catchUp(position);
      while (!this.closed) {
        if (this.catchUpRequested) {
          this.catchUpRequested = false;
          position = yield* this.catchUp(position);
          continue;
        }
        const event = this.inbox.shift();
        if (!event) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = null;
          continue;
        }
        if (event.sequence <= position) {
          continue;
        }
        if (event.sequence > position + 1) {
          position = yield* this.catchUp(position, event.sequence - 1);
        }
        position = event.sequence;
        if (this.matches(event)) {
          yield event;
        }
      }
    } finally {
      this.close();
    }
  }

  /** Yields the matching events after `position` up to `upTo` from the log; returns the new position. */
  private async *catchUp(
    position: number,
    upTo?: number,
  ): AsyncGenerator<AgreementEventEntity, number> {
    for (;;) {
      const { events, head } = await this.log.readAfter(position, this.filter, PAGE, upTo);
      for (const event of events) {
        yield event;
      }
      if (events.length < PAGE) {
        // Never backwards: a position past the head (a replay cursor) stays where it is.
        return Math.max(position, Math.min(head, upTo ?? head));
      }
      position = events[events.length - 1].sequence;
      await nextTurn();
    }
  }

  private matches(event: AgreementEventEntity): boolean {
    const { agreementId, types, partyCode } = this.filter;
    return (
      (!agreementId || event.agreementId === agreementId) &&
      (!types || types.includes(event.type)) &&
      (!partyCode || event.partyCode === partyCode)
    );
  }
}
