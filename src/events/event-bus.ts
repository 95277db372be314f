import { Injectable, Logger } from '@nestjs/common';
import type { AgreementEventEntity } from './entities/agreement-event.entity.js';

export type EventListener = (event: AgreementEventEntity) => void;

/**
 * Carries committed events to the subscriptions of this process. Delivery is at most once and
 * in publish order; subscriptions fill any gap from the log (see EventFeed), so a bus that loses
 * a message (Redis, later) costs latency, not events.
 */
export interface EventBus {
  publish(events: readonly AgreementEventEntity[]): void;
  /** Returns the function that ends the subscription. */
  subscribe(listener: EventListener): () => void;
  /** How many subscriptions of this process are listening. */
  subscriberCount(): number;
}

export const EVENT_BUS = Symbol('EVENT_BUS');

@Injectable()
export class InProcessEventBus implements EventBus {
  private readonly logger = new Logger(InProcessEventBus.name);
  private readonly listeners = new Set<EventListener>();

  publish(events: readonly AgreementEventEntity[]): void {
    for (const event of events) {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch (error) {
          this.logger.error(`A subscriber failed on event ${event.sequence}`, error);
        }
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    // Wrapped so that the same function subscribed twice gets two subscriptions.
    const entry: EventListener = (event) => listener(event);
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  subscriberCount(): number {
    return this.listeners.size;
  }
}
