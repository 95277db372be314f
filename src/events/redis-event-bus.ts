import { randomUUID } from 'node:crypto';
import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { Database } from '../database/database.service.js';
import { AgreementEventEntity } from './entities/agreement-event.entity.js';
import { LocalSubscribers, type BusSubscriber, type EventBus } from './event-bus.js';

interface Message {
  /** The instance that published it, which has already delivered it to its own subscribers. */
  origin: string;
  events: AgreementEventEntity[];
}

/** Redis waits at most this long between reconnection attempts. */
const MAX_RECONNECT_DELAY_MS = 2000;

/**
 * The bus of several instances: events reach this process's subscribers at once, and the other
 * instances' through a Redis channel named after the database (its cluster_id), so that
 * instances of another database sharing the Redis never mix in.
 *
 * Redis pub/sub is at most once, and Redis may go away: a publish that fails is logged and
 * dropped (the write has committed; the log has the event), and when the subscription comes back
 * every local subscriber is told to read what it missed from the log.
 */
export class RedisEventBus implements EventBus, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisEventBus.name);
  private readonly local = new LocalSubscribers();
  private readonly origin = randomUUID();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private channel = '';
  private lostSubscription = false;
  private lastFailureLog = 0;

  constructor(
    url: string,
    private readonly db: Database,
  ) {
    const retryStrategy = (attempt: number) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS);
    // No offline queue: while Redis is away a publish fails at once instead of piling up.
    this.publisher = new Redis(url, {
      retryStrategy,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
    });
    this.subscriber = new Redis(url, { retryStrategy, lazyConnect: true });
    for (const connection of [this.publisher, this.subscriber]) {
      connection.on('error', (error: Error) => this.failed('Redis', error));
    }
    this.subscriber.on('message', (_channel: string, message: string) => this.received(message));
    this.subscriber.on('close', () => (this.lostSubscription = true));
    this.subscriber.on('ready', () => {
      if (this.lostSubscription) {
        this.lostSubscription = false;
        this.logger.log('Redis is back: subscribers catch up from the log');
        this.local.resync();
      }
    });
  }

  async onModuleInit(): Promise<void> {
    const [row] = await this.db.select<{ value: string }>(
      `SELECT "value" FROM "ratify_meta" WHERE "key" = 'cluster_id'`,
    );
    this.channel = `ratify:${row.value}:events`;
    // Not awaited: an instance starts, and serves, while Redis is away; ioredis keeps trying.
    this.publisher.connect().catch((error: Error) => this.failed('Redis publisher', error));
    this.subscriber
      .connect()
      .then(() => this.subscriber.subscribe(this.channel))
      .catch((error: Error) => this.failed('Redis subscriber', error));
  }

  async onApplicationShutdown(): Promise<void> {
    this.publisher.disconnect();
    this.subscriber.disconnect();
    return Promise.resolve();
  }

  publish(events: readonly AgreementEventEntity[]): void {
    if (events.length === 0) {
      return;
    }
    this.local.deliver(events);
    const message: Message = { origin: this.origin, events: [...events] };
    this.publisher
      .publish(this.channel, JSON.stringify(message))
      .catch((error: Error) =>
        this.failed(`Publishing events up to ${events.at(-1)?.sequence}`, error),
      );
  }

  subscribe(subscriber: BusSubscriber): () => void {
    return this.local.add(subscriber);
  }

  subscriberCount(): number {
    return this.local.size;
  }

  status(): 'up' | 'down' {
    return this.publisher.status === 'ready' && this.subscriber.status === 'ready' ? 'up' : 'down';
  }

  private received(raw: string): void {
    let message: Message;
    try {
      message = JSON.parse(raw) as Message;
    } catch (error) {
      this.failed('A message on the Redis channel is not JSON', error as Error);
      return;
    }
    if (message.origin === this.origin) {
      return;
    }
    this.local.deliver(
      message.events.map((event) =>
        Object.assign(new AgreementEventEntity(), event, {
          occurredAt: new Date(event.occurredAt),
          recordedAt: new Date(event.recordedAt),
        }),
      ),
    );
  }

  /** Logs a failure, at most once a second, since an outage fails every attempt. */
  private failed(what: string, error: Error): void {
    const now = Date.now();
    if (now - this.lastFailureLog > 1000) {
      this.lastFailureLog = now;
      this.logger.warn(`${what}: ${error.message}`);
    }
  }
}
