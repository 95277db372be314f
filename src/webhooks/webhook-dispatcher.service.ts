import { randomUUID } from 'node:crypto';
import { Metrics } from '../metrics/metrics.js';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Database } from '../database/database.service.js';
import { insertInto, insertReturning, update } from '../database/statements.js';
import type { AgreementEventEntity } from '../events/entities/agreement-event.entity.js';
import { EVENT_BUS, type EventBus } from '../events/event-bus.js';
import { readLogAfter, type EventFilter } from '../events/event-log.service.js';
import { readEventNames } from '../events/event-names.js';
import { messageBody } from './message.js';
import { RecentEvents } from './recent-events.js';
import { failedTooLong, retryDelay } from './retry-schedule.js';
import { SenderThread, type JobResult, type SendJob } from './sender-thread.js';
import { messageId } from './signing.js';
import {
  deliveryFrom,
  filterOf,
  signingSecrets,
  webhookFrom,
  type WebhookDeliveryEntity,
  type WebhookEntity,
} from './webhook.entity.js';

/** How often the webhooks and the log are read for work, besides the wake-up of each event. */
export const POLL_MS = 1000;
/** Passes start at most this often, however fast events come. */
const MIN_TICK_MS = 20;
/** Cursors and delivery records are written together, at most this often. */
const FLUSH_MS = 1000;
/** Events sent at a time, per webhook. */
const BATCH = 100;
/** How long a stopping server lets the sends under way finish before it cuts them off. */
const SHUTDOWN_GRACE_MS = 1000;
/**
 * When the main thread was busy more than this share of the last BUSY_WINDOW_MS (serving a storm
 * of writes or reads), deliveries slow to BUSY_PACE a second until it is not: on a machine with
 * few cores, sending takes time from the server whatever the thread's priority.
 */
const BUSY_UTILIZATION = 0.7;
const BUSY_WINDOW_MS = 250;
const BUSY_PACE = 100;
/** Delivery attempts kept per webhook, newest first. */
export const KEPT_DELIVERIES = 100;

/** A delivery attempt, before it is written. */
type NewDelivery = Omit<WebhookDeliveryEntity, 'id'>;

/** The part of a webhook's row its deliverer changes, and writes back in batches. */
const PROGRESS = [
  'position',
  'failures',
  'failingSince',
  'nextAttemptAt',
  'lastError',
  'lastDeliveredAt',
] as const;
type Progress = Pick<WebhookEntity, (typeof PROGRESS)[number]>;

/**
 * Delivers every webhook's events from the log (README, "Webhooks"), in log order, at least once.
 *
 * An instance claims the webhooks no live instance holds, by a lease written in their rows
 * (`leaseOwner`, `leaseUntil`) with a conditional UPDATE, and renews it while it runs: exactly one
 * instance delivers a given webhook at a time, and when one stops, another takes its webhooks
 * over once the lease has run out (WEBHOOK_LEASE_MS). For each webhook it holds, a loop takes the
 * matching events after the webhook's cursor (`position`), from the events the bus brought
 * (recent-events.ts) or else from the log, and hands them to the sender thread, which sends them
 * in order and stops at the first that fails; an event is passed only once its receiver answered
 * 2xx. The cursor moves in memory and is written, with the newest delivery records, every
 * FLUSH_MS in one transaction, so that deliveries cost the log's writers little: an instance that
 * crashes before writing it sends those events again, with the same `webhook-id`. A failure holds
 * the webhook's later events back until a retry succeeds (retry-schedule.ts), or disables the
 * webhook once it has failed for three days.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  /** This instance, as the owner of leases. */
  readonly instanceId = randomUUID();
  private readonly thread: SenderThread;
  private readonly recent = new RecentEvents();
  /** The webhooks this instance holds, by id. */
  private readonly held = new Map<string, Deliverer>();
  private readonly progress = new Map<string, Progress>();
  /** The webhooks whose progress changed since it was last written. */
  private dirty = new Set<string>();
  /** The newest attempts not yet written, per webhook (older ones would be pruned at once). */
  private records = new Map<string, NewDelivery[]>();
  private timer: NodeJS.Timeout | null = null;
  private busyTimer: NodeJS.Timeout | null = null;
  private utilization: EventLoopUtilization = performance.eventLoopUtilization();
  private busy = false;
  private flushTimer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private ticking: Promise<void> | null = null;
  private tickAgain = false;
  private pollDue = false;
  private tickStartedAt = 0;
  private flushing: Promise<void> | null = null;
  private renewedAt = 0;
  private claimedAt = 0;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Database,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {
    this.thread = new SenderThread({
      allowPrivate: config.webhooks.allowPrivate,
      timeoutMs: config.webhooks.timeoutMs,
    });
  }

  onApplicationBootstrap(): void {
    this.unsubscribe = this.bus.subscribe({
      next: (event) => {
        this.recent.add(event);
        this.wake();
      },
      internal: true,
    });
    this.timer = setInterval(() => this.wake({ claim: true, poll: true }), POLL_MS);
    this.timer.unref();
    this.busyTimer = setInterval(() => this.measureBusy(), BUSY_WINDOW_MS);
    this.busyTimer.unref();
    this.wake({ claim: true, poll: true });
  }

  /**
   * Lets the sends under way end and begins no other (for SHUTDOWN_GRACE_MS, then cuts them off:
   * an event whose send was cut off is sent again by the next instance), writes what was
   * delivered, and gives the leases back, so that another instance may take the webhooks over
   * at once.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const timer of [this.timer, this.busyTimer, this.flushTimer]) {
      if (timer) clearTimeout(timer);
    }
    await this.ticking;
    const stopped = Promise.all([...this.held.values()].map((deliverer) => deliverer.stop()));
    // The jobs end after the messages being sent, with their results, which are recorded.
    await this.thread.stop(SHUTDOWN_GRACE_MS);
    await stopped;
    await this.flush();
    if (this.held.size) {
      this.held.clear();
      await this.db
        .transact((tx) =>
          tx.execute(
            `UPDATE "webhook" SET "leaseOwner" = NULL, "leaseUntil" = NULL WHERE "leaseOwner" = ?`,
            [this.instanceId],
          ),
        )
        .catch((error: unknown) =>
          this.logger.error(`Releasing webhooks failed: ${String(error)}`),
        );
    }
  }

  /**
   * Looks for work soon: one pass at a time, at most one every MIN_TICK_MS however many events
   * arrive. With `claim`, also for webhooks no instance holds (a new one, or one let go); with
   * `poll`, also in the log for events the bus did not bring (another instance's, without Redis).
   */
  wake(options: { claim?: boolean; poll?: boolean } = {}): void {
    if (options.claim) this.claimedAt = 0;
    if (options.poll) this.pollDue = true;
    if (this.stopped) {
      return;
    }
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    const wait = this.tickStartedAt + MIN_TICK_MS - Date.now();
    this.ticking = (
      wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve()
    )
      .then(() => this.tick())
      .catch((error: unknown) => this.logger.error(`Webhook delivery failed: ${String(error)}`))
      .finally(() => {
        this.ticking = null;
        if (this.tickAgain) {
          this.tickAgain = false;
          this.wake();
        }
      });
  }

  /** Renews and claims leases, then sets each held webhook going. */
  async tick(): Promise<void> {
    if (this.stopped) {
      return;
    }
    this.tickStartedAt = Date.now();
    const poll = this.pollDue;
    this.pollDue = false;
    if (Date.now() - this.renewedAt >= this.config.webhooks.leaseMs / 3) {
      await this.renew();
    }
    if (Date.now() - this.claimedAt >= POLL_MS) {
      this.claimedAt = Date.now();
      await this.claim();
    }
    for (const deliverer of this.held.values()) {
      deliverer.kick(poll);
    }
  }

  /** Slows deliveries while the main thread is busy, and lets them go again once it is not. */
  private measureBusy(): void {
    const now = performance.eventLoopUtilization();
    const busy =
      performance.eventLoopUtilization(now, this.utilization).utilization > BUSY_UTILIZATION;
    this.utilization = now;
    if (busy !== this.busy) {
      this.busy = busy;
      this.thread.setPace(busy ? BUSY_PACE : null);
    }
  }

  /** Webhook `id` was changed here by an admin: its next pass reads it again. */
  reconfigured(id: string): void {
    this.held.get(id)?.forget();
    this.wake({ claim: true });
  }

  /** Sends one event to a webhook now, outside its order (`redeliver`), and records the attempt. */
  async redeliver(
    webhook: WebhookEntity,
    event: AgreementEventEntity,
  ): Promise<WebhookDeliveryEntity> {
    const [result] = await this.thread.send(
      webhook.url,
      signingSecrets(webhook, this.clock.now()),
      await this.messages(webhook.id, [event]),
    );
    const delivery = { ...this.record(webhook.id, event, 1, result, null), redelivery: true };
    const row = await this.db.transact((tx) =>
      insertReturning(tx.execute, 'webhook_delivery', delivery),
    );
    return deliveryFrom(row);
  }

  /**
   * One pass of webhook `id`'s loop: sends what is due, and says whether to go on at once (a full
   * batch went). `poll` reads the log even when the bus brought nothing.
   */
  async deliverDue(id: string, webhook: WebhookEntity, poll: boolean): Promise<boolean> {
    const progress = this.progress.get(id);
    if (!progress || this.stopped) {
      return false;
    }
    if (progress.nextAttemptAt && progress.nextAttemptAt > this.clock.now()) {
      return false; // a tick sets it going again once the retry is due
    }
    const filter = filterOf(webhook);
    const from = progress.position;
    const { events, upTo } =
      (poll ? null : this.recent.after(from, filter, BATCH)) ?? (await this.readLog(from, filter));
    if (events.length === 0) {
      if (upTo > progress.position) {
        progress.position = upTo; // nothing up to there matched
        this.changed(id);
      }
      return false;
    }
    const results = await this.thread
      .send(webhook.url, signingSecrets(webhook, this.clock.now()), await this.messages(id, events))
      .catch((error: unknown) => {
        if (this.stopped) return []; // cut off by the shutdown: sent again by the next instance
        throw error;
      });
    for (const result of results) {
      if (!this.held.has(id) || (this.stopped && !result.ok)) {
        return false;
      }
      const event = events.find((candidate) => candidate.sequence === result.sequence)!;
      const attempt = progress.failures + 1;
      const attemptedAt = this.attemptedAt(result);
      if (result.ok) {
        Object.assign(progress, {
          position: event.sequence,
          failures: 0,
          failingSince: null,
          nextAttemptAt: null,
          lastError: null,
          lastDeliveredAt: attemptedAt,
        });
        this.keep(this.record(id, event, attempt, result, null));
        continue;
      }
      const failingSince = progress.failingSince ?? attemptedAt;
      const disable = failedTooLong(failingSince, attemptedAt);
      const nextAttemptAt = disable ? null : new Date(attemptedAt.getTime() + retryDelay(attempt));
      Object.assign(progress, { failures: attempt, failingSince, nextAttemptAt });
      progress.lastError = result.error;
      this.keep(this.record(id, event, attempt, result, nextAttemptAt));
      this.changed(id);
      if (disable) {
        await this.disable(id, failingSince, result.error ?? 'failed');
      }
      return false;
    }
    if (results.length === events.length && !this.stopped) {
      progress.position = Math.max(progress.position, upTo);
    }
    this.changed(id);
    return events.length === BATCH;
  }

  /** The webhook's row as stored, or null (and let go) when this instance may not deliver it. */
  async current(id: string): Promise<WebhookEntity | null> {
    const [row] = await this.db.background('SELECT * FROM "webhook" WHERE "id" = ?', [id]);
    const webhook = row ? webhookFrom(row) : null;
    if (!webhook || !webhook.enabled || webhook.leaseOwner !== this.instanceId) {
      this.drop(id, webhook ? 'it was disabled or taken over' : 'it was deleted');
      return null;
    }
    return webhook;
  }

  /** Up to BATCH matching events after `position` from the log, and how far that read. */
  private async readLog(position: number, filter: EventFilter) {
    const { events, head } = await readLogAfter(this.db.background, position, filter, BATCH);
    return { events, upTo: events.length === BATCH ? events[BATCH - 1].sequence : head };
  }

  /** The messages of `events` to webhook `id`: each body built once for every webhook. */
  private async messages(id: string, events: readonly AgreementEventEntity[]) {
    const bodies = new Map(
      events.map((event) => [event.sequence, this.recent.body(event.sequence)]),
    );
    const missing = events.filter((event) => bodies.get(event.sequence) === undefined);
    if (missing.length) {
      const names = await readEventNames(this.db.background, missing);
      for (const event of missing) {
        const body = messageBody(event, names);
        bodies.set(event.sequence, body);
        this.recent.keepBody(event.sequence, body);
      }
    }
    return events.map((event): SendJob['messages'][number] => ({
      sequence: event.sequence,
      id: messageId(id, event.sequence),
      body: bodies.get(event.sequence)!,
    }));
  }

  /** When an attempt was made, by the clock (which specs move), from the thread's real time. */
  private attemptedAt(result: JobResult['results'][number]): Date {
    return new Date(this.clock.now().getTime() - (Date.now() - result.sentAt));
  }

  private record(
    webhookId: string,
    event: AgreementEventEntity,
    attempt: number,
    result: JobResult['results'][number],
    nextAttemptAt: Date | null,
  ): NewDelivery {
    this.metrics.webhookDeliveries.inc({ outcome: result.ok ? 'success' : 'failure' });
    return {
      webhookId,
      sequence: event.sequence,
      eventType: event.type,
      attempt,
      redelivery: false,
      attemptedAt: this.attemptedAt(result),
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      error: result.error,
      nextAttemptAt,
    };
  }

  private keep(delivery: NewDelivery): void {
    const kept = this.records.get(delivery.webhookId) ?? [];
    kept.push(delivery);
    if (kept.length > KEPT_DELIVERIES) kept.shift();
    this.records.set(delivery.webhookId, kept);
  }

  private async renew(): Promise<void> {
    this.renewedAt = Date.now();
    if (this.held.size === 0) {
      return;
    }
    const until = new Date(Date.now() + this.config.webhooks.leaseMs);
    const { rows } = await this.db.transact((tx) =>
      tx.execute<{ id: string }>(
        `UPDATE "webhook" SET "leaseUntil" = ? WHERE "leaseOwner" = ? RETURNING "id"`,
        [until, this.instanceId],
      ),
    );
    const still = new Set(rows.map((row) => row.id));
    for (const id of this.held.keys()) {
      if (!still.has(id)) this.drop(id, 'its lease was taken over or it was deleted');
    }
  }

  /** Takes every enabled webhook whose lease is free or ran out (leases are in real time). */
  private async claim(): Promise<void> {
    const now = new Date();
    const [free] = await this.db.background(
      `SELECT 1 FROM "webhook" WHERE "enabled" = ?
       AND ("leaseOwner" IS NULL OR "leaseUntil" < ? OR "leaseOwner" = ?) LIMIT 1`,
      [true, now, this.instanceId],
    );
    if (!free) {
      return;
    }
    const until = new Date(now.getTime() + this.config.webhooks.leaseMs);
    const { rows } = await this.db.transact((tx) =>
      tx.execute(
        `UPDATE "webhook" SET "leaseOwner" = ?, "leaseUntil" = ?
         WHERE "enabled" = ? AND ("leaseOwner" IS NULL OR "leaseUntil" < ? OR "leaseOwner" = ?)
         RETURNING *`,
        [this.instanceId, until, true, now, this.instanceId],
      ),
    );
    for (const webhook of rows.map(webhookFrom)) {
      if (!this.held.has(webhook.id) && !this.stopped) {
        this.progress.set(
          webhook.id,
          Object.fromEntries(PROGRESS.map((key) => [key, webhook[key]])) as Progress,
        );
        this.held.set(webhook.id, new Deliverer(webhook.id, this, this.logger));
      }
    }
  }

  private drop(id: string, why: string): void {
    const deliverer = this.held.get(id);
    if (!deliverer) {
      return;
    }
    this.logger.log(`Webhook ${id} is no longer delivered here: ${why}`);
    deliverer.halt();
    this.held.delete(id);
    this.progress.delete(id);
    this.dirty.delete(id);
    this.records.delete(id);
  }

  /** Disables a webhook that failed for too long, saying why, and stops delivering it. */
  private async disable(id: string, failingSince: Date, error: string): Promise<void> {
    const reason = `Failing since ${failingSince.toISOString()}; the last attempt: ${error}. Enable it again (updateWebhook with enabled: true) to resume from the event that failed.`;
    await this.flush();
    await this.db.transact((tx) =>
      update(
        tx.execute,
        'webhook',
        {
          enabled: false,
          disabledAt: this.clock.now(),
          disabledReason: reason,
          nextAttemptAt: null,
          leaseOwner: null,
          leaseUntil: null,
        },
        { id, leaseOwner: this.instanceId },
      ),
    );
    this.logger.warn(`Webhook ${id} disabled: ${reason}`);
    this.drop(id, 'it was disabled');
  }

  /** Webhook `id`'s progress is to be written. */
  private changed(id: string): void {
    this.dirty.add(id);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, FLUSH_MS);
  }

  /**
   * Writes the cursors and failures of the webhooks held, and the newest delivery records, in one
   * transaction; keeps KEPT_DELIVERIES records per webhook. A webhook whose lease was lost is let
   * go, with its records. On failure, everything stays to be written next time.
   */
  async flush(): Promise<void> {
    while (this.flushing) {
      await this.flushing;
    }
    const dirty = this.dirty;
    const records = this.records;
    const states = [...dirty].flatMap((id) => {
      const state = this.progress.get(id);
      return state ? [[id, { ...state }] as const] : [];
    });
    if (states.length === 0 && records.size === 0) {
      return;
    }
    this.dirty = new Set();
    this.records = new Map();
    this.flushing = this.db
      .transact(async (tx) => {
        const lost = new Set<string>();
        for (const [id, state] of states) {
          const changed = await update(tx.execute, 'webhook', state, {
            id,
            leaseOwner: this.instanceId,
          });
          if (changed === 0) lost.add(id);
        }
        const kept = [...records].filter(([id]) => !lost.has(id) && this.held.has(id));
        for (const [webhookId, deliveries] of kept) {
          await insertInto(tx.execute, 'webhook_delivery', deliveries);
          await tx.execute(
            `DELETE FROM "webhook_delivery" WHERE "webhookId" = ? AND "id" <= (
               SELECT "id" FROM "webhook_delivery" WHERE "webhookId" = ?
               ORDER BY "id" DESC LIMIT 1 OFFSET ?)`,
            [webhookId, webhookId, KEPT_DELIVERIES],
          );
        }
        return lost;
      })
      .then((lost) =>
        lost.forEach((id) => this.drop(id, 'its lease was taken over or it was deleted')),
      )
      .catch((error: unknown) => {
        this.logger.error(`Writing webhook deliveries failed (tried again): ${String(error)}`);
        for (const [id, deliveries] of records) {
          this.records.set(
            id,
            [...deliveries, ...(this.records.get(id) ?? [])].slice(-KEPT_DELIVERIES),
          );
        }
        dirty.forEach((id) => this.progress.has(id) && this.changed(id));
      })
      .finally(() => (this.flushing = null));
    await this.flushing;
  }
}

/**
 * The loop of one held webhook: one pass at a time, set going again by `kick`. It keeps the
 * webhook's row, read again every POLL_MS or when an admin changed it here.
 */
class Deliverer {
  private running: Promise<void> | null = null;
  private again = false;
  private againPoll = false;
  private halted = false;
  private webhook: WebhookEntity | null = null;
  private readAt = 0;

  constructor(
    private readonly id: string,
    private readonly dispatcher: WebhookDispatcher,
    private readonly logger: Logger,
  ) {}

  kick(poll: boolean): void {
    if (this.halted) {
      return;
    }
    if (this.running) {
      this.again = true;
      this.againPoll ||= poll;
      return;
    }
    this.running = this.loop(poll).finally(() => {
      this.running = null;
      if (this.again && !this.halted) {
        const againPoll = this.againPoll;
        this.again = this.againPoll = false;
        this.kick(againPoll);
      }
    });
  }

  forget(): void {
    this.readAt = 0;
  }

  private async loop(poll: boolean): Promise<void> {
    try {
      for (let first = true; !this.halted; first = false) {
        if (!this.webhook || Date.now() - this.readAt >= POLL_MS) {
          this.webhook = await this.dispatcher.current(this.id);
          this.readAt = Date.now();
        }
        if (
          !this.webhook ||
          !(await this.dispatcher.deliverDue(this.id, this.webhook, poll && first))
        ) {
          return;
        }
      }
    } catch (error) {
      this.logger.error(`Delivering webhook ${this.id} failed (tried again): ${String(error)}`);
    }
  }

  /** Stops after the send under way. */
  halt(): void {
    this.halted = true;
  }

  async stop(): Promise<void> {
    this.halted = true;
    await this.running;
  }
}
