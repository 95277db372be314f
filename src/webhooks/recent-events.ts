import type { AgreementEventEntity } from '../events/entities/agreement-event.entity.js';
import type { EventFilter } from '../events/event-log.service.js';

/** Events kept, at most. */
const CAPACITY = 5000;

/**
 * The newest events this instance heard of from the event bus, without a gap, so that the
 * webhooks it delivers read new events once between them rather than once each, and each
 * message body is built once for all of them. An event that does not follow the last one (the
 * bus missed some, or another instance wrote them and no Redis tells) starts the run anew; a
 * webhook whose position is outside the run reads the log.
 */
export class RecentEvents {
  private events: AgreementEventEntity[] = [];
  private readonly bodies = new Map<number, string>();

  add(event: AgreementEventEntity): void {
    const top = this.events.at(-1);
    if (top && event.sequence !== top.sequence + 1) {
      this.events = [];
    }
    this.events.push(event);
    if (this.events.length > CAPACITY) {
      this.events = this.events.slice(-CAPACITY / 2);
    }
  }

  /**
   * Up to `limit` events after `position` matching `filter`, and how far that reads (every
   * matching event up to `upTo` is among them): null when the run does not hold the events
   * right after `position`.
   */
  after(
    position: number,
    filter: EventFilter,
    limit: number,
  ): { events: AgreementEventEntity[]; upTo: number } | null {
    const bottom = this.events[0]?.sequence;
    const top = this.events.at(-1)?.sequence;
    if (bottom === undefined || top === undefined || position < bottom - 1 || position > top) {
      return null;
    }
    const events: AgreementEventEntity[] = [];
    for (let index = position - bottom + 1; index < this.events.length; index += 1) {
      const event = this.events[index];
      if (matches(event, filter)) {
        events.push(event);
        if (events.length === limit) {
          return { events, upTo: event.sequence };
        }
      }
    }
    return { events, upTo: top };
  }

  /** The message body of event `sequence`, as built for the first webhook that sent it. */
  body(sequence: number): string | undefined {
    return this.bodies.get(sequence);
  }

  keepBody(sequence: number, body: string): void {
    this.bodies.set(sequence, body);
    if (this.bodies.size > CAPACITY) {
      // Maps keep insertion order: the oldest goes first.
      this.bodies.delete(this.bodies.keys().next().value!);
    }
  }
}

/** The filter of the event log (event-log.service.ts), applied to an event in memory. */
export function matches(event: AgreementEventEntity, filter: EventFilter): boolean {
  return (
    (!filter.agreementId || event.agreementId === filter.agreementId) &&
    (!filter.partyCode || event.partyCode === filter.partyCode) &&
    (!filter.types?.length || filter.types.includes(event.type))
  );
}
