import { randomUUID } from 'node:crypto';
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
import { readEventNames, type EventNames } from '../events/event-names.js';
import { messageBody } from './message.js';
import { failedTooLong, retryDelay } from './retry-schedule.js';
import { WebhookSender, type AttemptResult } from './sender.js';
import { messageId, signedHeaders } from './signing.js';
import {
  deliveryFrom,
  signingSecrets,
  webhookFrom,
  type WebhookDeliveryEntity,
  type WebhookEntity,
} from './webhook.entity.js';

/** How often the webhooks are read for work, besides the wake-up each new event brings. */
export const POLL_MS = 1000;
/** Passes start at most this often, however fast events come: each event need not cost reads. */
const MIN_TICK_MS = 20;
/** Delivery records and cursors are written together, at most this often. */
const FLUSH_MS = 250;
/** Events read from the log at a time, per webhook. */
const BATCH = 100;
/** How long a stopping server lets the sends under way finish before it cuts them off. */
const SHUTDOWN_GRACE_MS = 1000;
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
 * over once the lease has run out (WEBHOOK_LEASE_MS). For each webhook it holds, a loop reads the
 * matching events after the webhook's cursor (`position`) and sends them one at a time; an event
 * is passed only once its receiver answered 2xx. The cursor moves in memory and is written, with
 * the delivery records, every FLUSH_MS in one transaction, so that deliveries cost the log's
 * writers nothing: an instance that crashes before writing it sends those events again, with the
 * same `webhook-id`. A failure holds the webhook's later events back until a retry succeeds (see
 * retry-schedule.ts), or disables the webhook once it has failed for three days.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  /** This instance, as the owner of leases. */
  readonly instanceId = randomUUID();
  private readonly sender: WebhookSender;
  /** The webhooks this instance holds, by id. */
  private readonly held = new Map<string, Deliverer>();
  private readonly progress = new Map<string, Progress>();
  /** The webhooks whose progress changed since it was last written. */
  private dirty = new Set<string>();
  private deliveries: NewDelivery[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private ticking: Promise<void> | null = null;
  private tickAgain = false;
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
  ) {
    this.sender = new WebhookSender({
      allowPrivate: config.webhooks.allowPrivate,
      timeoutMs: config.webhooks.timeoutMs,
    });
  }

  onApplicationBootstrap(): void {
    this.unsubscribe = this.bus.subscribe({ next: () => this.wake(), internal: true });
    this.timer = setInterval(() => this.wake({ claim: true }), POLL_MS);
    this.timer.unref();
    this.wake({ claim: true });
  }

  /**
   * Lets the sends under way end (for SHUTDOWN_GRACE_MS, then cuts them off: an event whose send
   * was cut off is sent again by the next instance), writes what was delivered, and gives the
   * leases back, so that another instance may take the webhooks over at once.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const timer of [this.timer, this.flushTimer]) {
      if (timer) clearInterval(timer);
    }
    await this.ticking;
    const stopped = Promise.all([...this.held.values()].map((deliverer) => deliverer.stop()));
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      stopped,
      new Promise((resolve) => (grace = setTimeout(resolve, SHUTDOWN_GRACE_MS))),
    ]);
    clearTimeout(grace);
    this.sender.close();
    await stopped;
    await this.flush();
    const ids = [...this.held.keys()];
    this.held.clear();
    if (ids.length) {
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
   * arrive; with `claim`, also for webhooks no instance holds (a new one, or one let go).
   */
  wake(options: { claim?: boolean } = {}): void {
    if (options.claim) {
      this.claimedAt = 0;
    }
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
    if (Date.now() - this.renewedAt >= this.config.webhooks.leaseMs / 3) {
      await this.renew();
    }
    if (Date.now() - this.claimedAt >= POLL_MS) {
      this.claimedAt = Date.now();
      await this.claim();
    }
    for (const deliverer of this.held.values()) {
      deliverer.kick();
    }
  }

  /** Sends one event to a webhook now, outside its order (`redeliver`), and records the attempt. */
  async redeliver(
    webhook: WebhookEntity,
    event: AgreementEventEntity,
  ): Promise<WebhookDeliveryEntity> {
    const names = await readEventNames(this.db.select, [event]);
    const attemptedAt = this.clock.now();
    const result = await this.send(webhook, event, names);
    const delivery = {
      ...this.record(webhook.id, event, 1, attemptedAt, result, null),
      redelivery: true,
    };
    const row = await this.db.transact((tx) =>
      insertReturning(tx.execute, 'webhook_delivery', delivery),
    );
    return deliveryFrom(row);
  }

  /**
   * Signs and POSTs one event. The signature's timestamp is the time of the world, whatever the
   * clock (specs move it to reach a retry), since receivers check it against their own.
   */
  send(
    webhook: WebhookEntity,
    event: AgreementEventEntity,
    names: EventNames,
  ): Promise<AttemptResult> {
    const body = messageBody(event, names);
    const sentAt = new Date();
    const headers = signedHeaders(
      signingSecrets(webhook, this.clock.now()),
      messageId(webhook.id, event.sequence),
      sentAt,
      body,
    );
    return this.sender.send(new URL(webhook.url), headers, body);
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
    for (const [id, deliverer] of this.held) {
      if (!still.has(id)) {
        this.drop(id, deliverer, 'its lease was taken over or it was deleted');
      }
    }
  }

  /** Takes every enabled webhook whose lease is free or ran out. */
  private async claim(): Promise<void> {
    const wall = new Date();
    const [free] = await this.db.background(
      `SELECT 1 FROM "webhook" WHERE "enabled" = ?
       AND ("leaseOwner" IS NULL OR "leaseUntil" < ? OR "leaseOwner" = ?) LIMIT 1`,
      [true, wall, this.instanceId],
    );
    if (!free) {
      return;
    }
    const until = new Date(wall.getTime() + this.config.webhooks.leaseMs);
    const { rows } = await this.db.transact((tx) =>
      tx.execute(
        `UPDATE "webhook" SET "leaseOwner" = ?, "leaseUntil" = ?
         WHERE "enabled" = ? AND ("leaseOwner" IS NULL OR "leaseUntil" < ? OR "leaseOwner" = ?)
         RETURNING *`,
        [this.instanceId, until, true, wall, this.instanceId],
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

  private drop(id: string, deliverer: Deliverer, why: string): void {
    this.logger.log(`Webhook ${id} is no longer delivered here: ${why}`);
    deliverer.halt();
    this.held.delete(id);
    this.progress.delete(id);
    this.dirty.delete(id);
    this.deliveries = this.deliveries.filter((delivery) => delivery.webhookId !== id);
  }

  /** One pass of webhook `id`'s loop: delivers what is due, and says whether to go on. */
  async deliverDue(id: string): Promise<boolean> {
    const progress = this.progress.get(id);
    if (!progress || this.stopped) {
      return false;
    }
    const now = this.clock.now();
    if (progress.nextAttemptAt && progress.nextAttemptAt > now) {
      return false; // a tick sets it going again once the retry is due
    }
    // Read afresh each pass: an admin may have changed its URL, filter, secret, or state.
    const [row] = await this.db.background('SELECT * FROM "webhook" WHERE "id" = ?', [id]);
    const webhook = row ? webhookFrom(row) : null;
    const deliverer = this.held.get(id);
    if (!webhook || !webhook.enabled || webhook.leaseOwner !== this.instanceId) {
      if (deliverer) {
        this.drop(id, deliverer, webhook ? 'it was disabled or taken over' : 'it was deleted');
      }
      return false;
    }
    const filter: EventFilter = {
      agreementId: webhook.agreementId ?? undefined,
      partyCode: webhook.partyCode ?? undefined,
      types: webhook.eventTypes ?? undefined,
    };
    const { events, head } = await readLogAfter(
      this.db.background,
      progress.position,
      filter,
      BATCH,
    );
    const names = events.length ? await readEventNames(this.db.background, events) : null;
    for (const event of events) {
      if (!this.held.has(id) || this.stopped) {
        return false;
      }
      const attemptedAt = this.clock.now();
      const result = await this.send(webhook, event, names!);
      if (this.stopped && !result.ok) {
        return false; // cut off by the shutdown: not the receiver's failure
      }
      const attempt = progress.failures + 1;
      if (result.ok) {
        Object.assign(progress, {
          position: event.sequence,
          failures: 0,
          failingSince: null,
          nextAttemptAt: null,
          lastError: null,
          lastDeliveredAt: attemptedAt,
        });
        this.deliveries.push(this.record(id, event, attempt, attemptedAt, result, null));
        this.changed(id);
        continue;
      }
      const failingSince = progress.failingSince ?? attemptedAt;
      const disable = failedTooLong(failingSince, attemptedAt);
      const nextAttemptAt = disable ? null : new Date(attemptedAt.getTime() + retryDelay(attempt));
      Object.assign(progress, {
        failures: attempt,
        failingSince,
        nextAttemptAt,
        lastError: result.error,
      });
      this.deliveries.push(this.record(id, event, attempt, attemptedAt, result, nextAttemptAt));
      if (disable) {
        this.dirty.add(id);
        await this.disable(id, failingSince, result.error ?? 'failed');
        return false;
      }
      this.changed(id);
      return false;
    }
    if (events.length < BATCH && head > progress.position) {
      // Every matching event up to the head was delivered: the rest did not match.
      progress.position = head;
      this.changed(id);
    }
    return events.length === BATCH;
  }

  private record(
    webhookId: string,
    event: AgreementEventEntity,
    attempt: number,
    attemptedAt: Date,
    result: AttemptResult,
    nextAttemptAt: Date | null,
  ): NewDelivery {
    return {
      webhookId,
      sequence: event.sequence,
      eventType: event.type,
      attempt,
      redelivery: false,
      attemptedAt,
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      error: result.error,
      nextAttemptAt,
    };
  }

  /** Disables a webhook that failed for too long, saying why, and stops delivering it. */
  private async disable(id: string, failingSince: Date, error: string): Promise<void> {
    const reason = `Failing since ${failingSince.toISOString()}; the last attempt: ${error}. Enable it again (updateWebhook with enabled: true) to resume from the event that failed.`;
    await this.flush();
    const now = this.clock.now();
    await this.db.transact((tx) =>
      update(
        tx.execute,
        'webhook',
        {
          enabled: false,
          disabledAt: now,
          disabledReason: reason,
          nextAttemptAt: null,
          leaseOwner: null,
          leaseUntil: null,
        },
        { id, leaseOwner: this.instanceId },
      ),
    );
    this.logger.warn(`Webhook ${id} disabled: ${reason}`);
    const deliverer = this.held.get(id);
    if (deliverer) {
      this.drop(id, deliverer, 'it was disabled');
    }
  }

  /** Webhook `id`'s progress is to be written. */
  private changed(id: string): void {
    this.dirty.add(id);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, FLUSH_MS);
  }

  /**
   * Writes the cursors and failures of the webhooks held, and the delivery records, in one
   * transaction; keeps KEPT_DELIVERIES records per webhook. A webhook whose lease was lost is let
   * go, with its records. On failure, everything stays to be written next time.
   */
  async flush(): Promise<void> {
    while (this.flushing) {
      await this.flushing;
    }
    const deliveries = this.deliveries;
    const dirty = this.dirty;
    const states = [...dirty].flatMap((id) => {
      const state = this.progress.get(id);
      return state ? [[id, { ...state }] as const] : [];
    });
    if (deliveries.length === 0 && states.length === 0) {
      return;
    }
    this.deliveries = [];
    this.dirty = new Set();
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
        // Records of webhooks deleted meanwhile have nowhere to go.
        const ids = [...new Set(deliveries.map((delivery) => delivery.webhookId))];
        const present = new Set(
          ids.length
            ? (
                await tx.select<{ id: string }>(
                  `SELECT "id" FROM "webhook" WHERE "id" IN (${ids.map(() => '?').join(', ')})`,
                  ids,
                )
              ).map((row) => row.id)
            : [],
        );
        const kept = deliveries.filter(
          (delivery) => present.has(delivery.webhookId) && !lost.has(delivery.webhookId),
        );
        for (let start = 0; start < kept.length; start += 100) {
          await insertInto(tx.execute, 'webhook_delivery', kept.slice(start, start + 100));
        }
        for (const webhookId of new Set(kept.map((delivery) => delivery.webhookId))) {
          await tx.execute(
            `DELETE FROM "webhook_delivery" WHERE "webhookId" = ? AND "id" <= (
               SELECT "id" FROM "webhook_delivery" WHERE "webhookId" = ?
               ORDER BY "id" DESC LIMIT 1 OFFSET ?)`,
            [webhookId, webhookId, KEPT_DELIVERIES],
          );
        }
        return lost;
      })
      .then((lost) => {
        for (const id of lost) {
          const deliverer = this.held.get(id);
          if (deliverer) this.drop(id, deliverer, 'its lease was taken over or it was deleted');
        }
      })
      .catch((error: unknown) => {
        this.logger.error(`Writing webhook deliveries failed (tried again): ${String(error)}`);
        this.deliveries = [...deliveries, ...this.deliveries];
        dirty.forEach((id) => this.progress.has(id) && this.dirty.add(id));
        this.scheduleFlush();
      })
      .finally(() => (this.flushing = null));
    await this.flushing;
  }
}

/** The loop of one held webhook: one pass at a time, set going again by `kick`. */
class Deliverer {
  private running: Promise<void> | null = null;
  private again = false;
  private halted = false;

  constructor(
    private readonly id: string,
    private readonly dispatcher: WebhookDispatcher,
    private readonly logger: Logger,
  ) {}

  kick(): void {
    if (this.halted) {
      return;
    }
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
      if (this.again && !this.halted) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async loop(): Promise<void> {
    try {
      while (!this.halted && (await this.dispatcher.deliverDue(this.id))) {
        // A full batch: read the next one.
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
