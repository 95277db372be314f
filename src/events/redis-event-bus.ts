import { randomUUID } from 'node:crypto';
import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { Database } from '../database/database.service.js';
import type { AgreementEventEntity } from './entities/agreement-event.entity.js';
import { LocalSubscribers, type BusSubscriber, type EventBus } from './event-bus.js';
import { readLogAfter } from './event-log.service.js';
import { PAGE } from './event-feed.js';

/**
 * What an instance says on the Redis channel when it has committed events: a hint that the log
 * has grown, never the events themselves.
 */
interface Hint {
  /** The instance that committed them, which has delivered them to its own subscribers. */
  origin: string;
  /** The sequence of the last of them. */
  head: number;
}

/** Redis waits at most this long between reconnection attempts. */
const MAX_RECONNECT_DELAY_MS = 2000;
/** How often each instance checks the log's head for events no hint told it of. */
export const LOG_CHECK_MS = 1000;

/**
 * The bus of several instances, on one database. Events committed by this process reach its
 * subscribers at once; the other instances hear of them through a Redis channel named after the
 * database (its cluster_id, so that instances of another database sharing the Redis never mix
 * in), and read them from the log.
 *
 * Redis carries hints, never content: what subscribers receive is always read from the event log,
 * the source of truth. A message that does not parse is logged and ignored; a forged one can at
 * most make an instance read the log, which then says there is nothing new, so it cannot inject
 * an event nor move a feed past the log's head. Each instance delivers to its subscribers every
 * event once, in sequence order, with no gap: it reads from the log what it has not seen, once
 * for all its subscribers, in pages.
 *
 * Redis pub/sub is at most once, and Redis may go away: a publish that fails is logged and
 * dropped (the write has committed; the log has the event). Every instance reads the log's head
 * every LOG_CHECK_MS and when its subscription to Redis comes back, so a lost hint costs at most
 * that much delay, never an event.
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
  /** The last sequence delivered to this process's subscribers. */
  private delivered = 0;
  /** Events committed here that wait for earlier ones, of other instances, to be read. */
  private readonly waiting = new Map<number, AgreementEventEntity>();
  private reading: Promise<void> | null = null;
  private readAgain = false;
  private checkTimer: NodeJS.Timeout | null = null;

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
        this.logger.log('Redis is back: reading from the log what it may have missed');
        this.catchUp();
      }
    });
  }

  async onModuleInit(): Promise<void> {
    const [row] = await this.db.select<{ value: string }>(
      `SELECT "value" FROM "ratify_meta" WHERE "key" = 'cluster_id'`,
    );
    this.channel = `ratify:${row.value}:events`;
    this.delivered = (await readLogAfter(this.db.select, 0, {}, 0)).head;
    // Not awaited: an instance starts, and serves, while Redis is away; ioredis keeps trying.
    this.publisher.connect().catch((error: Error) => this.failed('Redis publisher', error));
    this.subscriber
      .connect()
      .then(() => this.subscriber.subscribe(this.channel))
      .catch((error: Error) => this.failed('Redis subscriber', error));
    this.checkTimer = setInterval(() => this.catchUp(), LOG_CHECK_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.checkTimer) {
      clearInterval(this.checkTimer);
    }
    this.publisher.disconnect();
    this.subscriber.disconnect();
    await this.reading;
  }

  publish(events: readonly AgreementEventEntity[]): void {
    if (events.length === 0) {
      return;
    }
    for (const event of events) {
      this.waiting.set(event.sequence, event);
    }
    this.deliverWaiting();
    if (this.waiting.size > 0) {
      this.catchUp(); // another instance committed before these: read its events first
    }
    const hint: Hint = { origin: this.origin, head: events[events.length - 1].sequence };
    this.publisher
      .publish(this.channel, JSON.stringify(hint))
      .catch((error: Error) => this.failed(`Publishing a hint of event ${hint.head}`, error));
  }

  subscribe(subscriber: BusSubscriber): () => void {
    return this.local.add(subscriber);
  }

  subscriberCount(): number {
    return this.local.size;
  }

  /** Both connections up, and a PING answered on the one that publishes. */
  async ping(): Promise<void> {
    if (this.status() !== 'up') {
      throw new Error('Redis is not connected');
    }
    await this.publisher.ping();
  }

  status(): 'up' | 'down' {
    return this.publisher.status === 'ready' && this.subscriber.status === 'ready' ? 'up' : 'down';
  }

  private received(raw: string): void {
    const hint = parseHint(raw);
    if (!hint) {
      this.failed(
        'A message on the Redis channel is not a hint of Ratify',
        new Error(`ignored: ${raw.slice(0, 100)}`),
      );
      return;
    }
    if (hint.origin !== this.origin && hint.head > this.delivered) {
      this.catchUp();
    }
  }

  /** Delivers the events committed here that follow, without a gap, what was delivered. */
  private deliverWaiting(): void {
    for (;;) {
      const event = this.waiting.get(this.delivered + 1);
      if (!event) {
        break;
      }
      this.waiting.delete(event.sequence);
      this.deliver(event);
    }
  }

  private deliver(event: AgreementEventEntity): void {
    this.delivered = event.sequence;
    this.local.deliver([event]);
  }

  /** Reads from the log what this process has not delivered, one read at a time. */
  private catchUp(): void {
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = this.readLog()
      .catch((error: Error) => this.failed('Reading the event log for subscribers', error))
      .finally(() => {
        this.reading = null;
        if (this.readAgain) {
          this.readAgain = false;
          this.catchUp();
        }
      });
  }

  private async readLog(): Promise<void> {
    for (;;) {
      if (this.local.empty) {
        // No one to deliver to: only the position moves on.
        const { head } = await readLogAfter(this.db.select, 0, {}, 0);
        this.delivered = Math.max(this.delivered, head);
        for (const sequence of this.waiting.keys()) {
          if (sequence <= this.delivered) this.waiting.delete(sequence);
        }
        this.deliverWaiting();
        return;
      }
      const { events } = await readLogAfter(this.db.select, this.delivered, {}, PAGE);
      for (const event of events) {
        if (event.sequence === this.delivered + 1) {
          // The object committed here, when it is one: subscribers share its results.
          const own = this.waiting.get(event.sequence);
          this.waiting.delete(event.sequence);
          this.deliver(own ?? event);
        }
      }
      this.deliverWaiting();
      if (events.length < PAGE) {
        return;
      }
    }
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

/** A hint as published by `publish`, or null for anything else. */
function parseHint(raw: string): Hint | null {
  try {
    const value = JSON.parse(raw) as Partial<Hint> | null;
    return typeof value?.origin === 'string' &&
      typeof value.head === 'number' &&
      Number.isSafeInteger(value.head)
      ? { origin: value.origin, head: value.head }
      : null;
  } catch {
    return null;
  }
}
