import { Injectable, Logger } from '@nestjs/common';
import type { AgreementEventEntity } from './entities/agreement-event.entity.js';

export type EventListener = (event: AgreementEventEntity) => void;

/** One subscription to the bus. */
export interface BusSubscriber {
  /** Receives each event published, in publish order, at most once. */
  readonly next: EventListener;
  /**
   * A listener of the server itself (webhook delivery), not a client's subscription: it hears
   * every event all the same, but subscriberCount leaves it out.
   */
  readonly internal?: boolean;
}

/**
 * Carries committed events to the subscriptions of this process, in sequence order. Delivery is
 * at most once; subscriptions fill any gap from the log (see EventFeed), so a bus that loses a
 * message costs latency, not events.
 */
export interface EventBus {
  publish(events: readonly AgreementEventEntity[]): void;
  /** Returns the function that ends the subscription. */
  subscribe(subscriber: BusSubscriber): () => void;
  /** How many subscriptions of clients of this process are listening. */
  subscriberCount(): number;
  /** 'up', 'down', or 'in-process' for the bus that needs nothing outside the process. */
  status(): 'up' | 'down' | 'in-process';
  /** Resolves once what the bus needs outside the process (Redis) answers; rejects otherwise. */
  ping(): Promise<void>;
}

export const EVENT_BUS = Symbol('EVENT_BUS');

/** The subscribers of this process, and delivery to them. */
export class LocalSubscribers {
  private readonly logger = new Logger(LocalSubscribers.name);
  private readonly subscribers = new Set<BusSubscriber>();
  private internal = 0;

  add(subscriber: BusSubscriber): () => void {
    // Wrapped so that the same object subscribed twice gets two subscriptions.
    const entry = { ...subscriber };
    this.subscribers.add(entry);
    this.internal += entry.internal ? 1 : 0;
    return () => {
      if (this.subscribers.delete(entry)) {
        this.internal -= entry.internal ? 1 : 0;
      }
    };
  }

  /** Clients' subscriptions. */
  get size(): number {
    return this.subscribers.size - this.internal;
  }

  /** No one at all listens, not even the server itself. */
  get empty(): boolean {
    return this.subscribers.size === 0;
  }

  deliver(events: readonly AgreementEventEntity[]): void {
    for (const event of events) {
      for (const subscriber of this.subscribers) {
        try {
          subscriber.next(event);
        } catch (error) {
          this.logger.error(`A subscriber failed on event ${event.sequence}`, error);
        }
      }
    }
  }
}

/** The bus of a single instance: events go straight to this process's subscribers. */
@Injectable()
export class InProcessEventBus implements EventBus {
  private readonly local = new LocalSubscribers();

  publish(events: readonly AgreementEventEntity[]): void {
    this.local.deliver(events);
  }

  subscribe(subscriber: BusSubscriber): () => void {
    return this.local.add(subscriber);
  }

  subscriberCount(): number {
    return this.local.size;
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  status(): 'in-process' {
    return 'in-process';
  }
}
