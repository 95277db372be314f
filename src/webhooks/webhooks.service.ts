import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Database, type Select } from '../database/database.service.js';
import { insertInto, update } from '../database/statements.js';
import { readLogAfter } from '../events/event-log.service.js';
import type { CreateWebhookInput, UpdateWebhookInput } from './dto/webhook.input.js';
import { newSecret } from './signing.js';
import { WebhookDispatcher } from './webhook-dispatcher.service.js';
import { hostOf, resolveAllowed, urlProblem } from './webhook-url.js';
import { matches } from './recent-events.js';
import {
  deliveryFrom,
  filterOf,
  WebhookEntity,
  webhookFrom,
  type WebhookDeliveryEntity,
} from './webhook.entity.js';

/** Webhooks a server holds at most: each is a loop of its own on the instance delivering it. */
export const MAX_WEBHOOKS = 100;
/** How long the secret before a rotation still signs, so that receivers can switch over. */
export const PREVIOUS_SECRET_MS = 24 * 60 * 60_000;
/** How long the host of a URL may take to resolve when a webhook is saved. */
const LOOKUP_TIMEOUT_MS = 5_000;

/** The administration of webhooks (README, "Webhooks"): ADMIN only, checked by the resolver. */
@Injectable()
export class WebhooksService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Database,
    private readonly dispatcher: WebhookDispatcher,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<WebhookEntity[]> {
    const rows = await this.db.select('SELECT * FROM "webhook" ORDER BY "createdAt", "id"');
    return rows.map(webhookFrom);
  }

  async get(id: string): Promise<WebhookEntity | null> {
    const [row] = await this.db.select('SELECT * FROM "webhook" WHERE "id" = ?', [id]);
    return row ? webhookFrom(row) : null;
  }

  /** The newest `first` attempts, newest first. */
  async deliveries(webhookId: string, first: number): Promise<WebhookDeliveryEntity[]> {
    const rows = await this.db.select(
      'SELECT * FROM "webhook_delivery" WHERE "webhookId" = ? ORDER BY "id" DESC LIMIT ?',
      [webhookId, first],
    );
    return rows.map(deliveryFrom);
  }

  /**
   * Registers a webhook; it receives the events committed after it. The secret is in the result
   * and, to sign with, in the database; never shown again.
   */
  async create(
    input: CreateWebhookInput,
    actor: Principal,
  ): Promise<{ secret: string; webhook: WebhookEntity }> {
    await this.checkUrl(input.url);
    const secret = newSecret();
    const webhook = await this.db.write(async (tx) => {
      await checkFilter(tx.select, input.agreementId ?? null, input.partyCode ?? null);
      const [{ count }] = await tx.select<{ count: number | string }>(
        'SELECT COUNT(*) AS "count" FROM "webhook"',
      );
      if (Number(count) >= MAX_WEBHOOKS) {
        throw DomainError.badInput({
          url: `a server holds at most ${MAX_WEBHOOKS} webhooks; delete one first, or filter fewer`,
        });
      }
      // Read inside the write, which holds the log's write lock: no event is half in.
      const { head } = await readLogAfter(tx.select, 0, {}, 0);
      const now = this.clock.now();
      const entity = Object.assign(new WebhookEntity(), {
        id: randomUUID(),
        url: input.url,
        description: input.description ?? null,
        eventTypes: input.eventTypes ? [...input.eventTypes].sort() : null,
        agreementId: input.agreementId ?? null,
        partyCode: input.partyCode ?? null,
        secret,
        previousSecret: null,
        previousSecretUntil: null,
        enabled: true,
        disabledAt: null,
        disabledReason: null,
        position: head,
        failures: 0,
        failingSince: null,
        nextAttemptAt: null,
        lastError: null,
        lastDeliveredAt: null,
        leaseOwner: null,
        leaseUntil: null,
        createdBy: actor.name,
        createdAt: now,
        updatedAt: now,
      });
      await insertInto(tx.execute, 'webhook', [stored(entity)]);
      return entity;
    });
    this.dispatcher.wake({ claim: true });
    return { secret, webhook };
  }

  /**
   * Changes what a webhook receives or where; `enabled: true` resumes a disabled one from the
   * first event it did not deliver, its failures forgotten; `enabled: false` stops it.
   */
  async update(input: UpdateWebhookInput, actor: Principal): Promise<WebhookEntity> {
    const { url } = input;
    if (url === null) {
      throw DomainError.badInput({ url: 'url cannot be removed; leave it out to keep it' });
    }
    if (input.enabled === null) {
      throw DomainError.badInput({ enabled: 'enabled must be true or false, or left out' });
    }
    if (url !== undefined) {
      await this.checkUrl(url);
    }
    const webhook = await this.db.write(async (tx) => {
      const current = await this.load(tx.select, input.id);
      const changes: Partial<WebhookEntity> = {};
      if (url !== undefined) changes.url = url;
      if (input.description !== undefined) changes.description = input.description;
      if (input.eventTypes !== undefined) {
        changes.eventTypes = input.eventTypes ? [...input.eventTypes].sort() : null;
      }
      if (input.agreementId !== undefined) changes.agreementId = input.agreementId;
      if (input.partyCode !== undefined) changes.partyCode = input.partyCode;
      await checkFilter(
        tx.select,
        changes.agreementId !== undefined ? changes.agreementId : current.agreementId,
        changes.partyCode !== undefined ? changes.partyCode : current.partyCode,
      );
      const now = this.clock.now();
      if (input.enabled === true && !current.enabled) {
        Object.assign(changes, {
          enabled: true,
          disabledAt: null,
          disabledReason: null,
          failures: 0,
          failingSince: null,
          nextAttemptAt: null,
        });
      } else if (input.enabled === false && current.enabled) {
        // The lease goes too: the instance delivering it stops at its next step.
        Object.assign(changes, {
          enabled: false,
          disabledAt: now,
          disabledReason: `Disabled by ${actor.name}.`,
          nextAttemptAt: null,
          leaseOwner: null,
          leaseUntil: null,
        });
      }
      const updated = Object.assign(current, changes, { updatedAt: now });
      await update(tx.execute, 'webhook', stored({ ...changes, updatedAt: now }), {
        id: input.id,
      });
      return updated;
    });
    this.dispatcher.reconfigured(input.id);
    return webhook;
  }

  /** Deletes a webhook and its delivery records; returns it as it was. */
  async delete(id: string): Promise<WebhookEntity> {
    const webhook = await this.db.write(async (tx) => {
      const deleted = await this.load(tx.select, id);
      await tx.execute('DELETE FROM "webhook_delivery" WHERE "webhookId" = ?', [id]);
      await tx.execute('DELETE FROM "webhook" WHERE "id" = ?', [id]);
      return deleted;
    });
    this.dispatcher.reconfigured(id);
    return webhook;
  }

  /**
   * A new secret, shown once. For PREVIOUS_SECRET_MS messages carry a signature by the old one
   * too (Standard Webhooks' several signatures), so that a receiver can switch without a gap.
   */
  async rotateSecret(id: string): Promise<{ secret: string; webhook: WebhookEntity }> {
    const secret = newSecret();
    const webhook = await this.db.write(async (tx) => {
      const current = await this.load(tx.select, id);
      const now = this.clock.now();
      const changes = {
        secret,
        previousSecret: current.secret,
        previousSecretUntil: new Date(now.getTime() + PREVIOUS_SECRET_MS),
        updatedAt: now,
      };
      await update(tx.execute, 'webhook', changes, { id });
      return Object.assign(current, changes);
    });
    this.dispatcher.reconfigured(id);
    return { secret, webhook };
  }

  /**
   * Sends one event again, now, and answers with the attempt: an event the webhook was sent (up
   * to its position) and that matches its filter.
   */
  async redeliver(webhookId: string, sequence: number): Promise<WebhookDeliveryEntity> {
    const webhook = await this.load(this.db.select, webhookId);
    const [event] = (await readLogAfter(this.db.select, sequence - 1, {}, 1, sequence)).events;
    if (!event) {
      throw DomainError.badInput({ sequence: `there is no event ${sequence} in the log` });
    }
    if (!matches(event, filterOf(webhook))) {
      throw DomainError.badInput({
        sequence: `event ${sequence} does not match this webhook's filter, so it was never sent`,
      });
    }
    if (sequence > webhook.position) {
      throw DomainError.badInput({
        sequence: `event ${sequence} was not delivered yet (the webhook is at ${webhook.position}); it will be sent in its turn`,
      });
    }
    return this.dispatcher.redeliver(webhook, event);
  }

  private async load(select: Select, id: string): Promise<WebhookEntity> {
    const [row] = await select('SELECT * FROM "webhook" WHERE "id" = ?', [id]);
    if (!row) {
      throw DomainError.notFound('webhook', id);
    }
    return webhookFrom(row);
  }

  /** Refuses, naming `url`, a URL that is malformed or leads to an address not allowed. */
  private async checkUrl(raw: string): Promise<void> {
    const problem = urlProblem(raw);
    if (problem) {
      throw DomainError.badInput({ url: problem });
    }
    const host = hostOf(new URL(raw));
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        resolveAllowed(host, this.config.webhooks.allowPrivate),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(Object.assign(new Error('timed out'), { code: 'ETIMEOUT' })),
            LOOKUP_TIMEOUT_MS,
          );
        }),
      ]);
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      throw DomainError.badInput({
        url:
          code === 'EADDRNOTALLOWED'
            ? message
            : `${host} could not be resolved (${code ?? message}); check the host name`,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** An unknown agreement, or a party code that is not one of the agreement's parties. */
async function checkFilter(
  select: Select,
  agreementId: string | null,
  partyCode: string | null,
): Promise<void> {
  if (!agreementId) {
    return;
  }
  const [agreement] = await select('SELECT "id" FROM "agreement" WHERE "id" = ?', [agreementId]);
  if (!agreement) {
    throw DomainError.badInput({ agreementId: `there is no agreement ${agreementId}` });
  }
  if (partyCode) {
    const [party] = await select('SELECT 1 FROM "party" WHERE "agreementId" = ? AND "code" = ?', [
      agreementId,
      partyCode,
    ]);
    if (!party) {
      throw DomainError.badInput({
        partyCode: `${partyCode} is not a party to agreement ${agreementId}`,
      });
    }
  }
}

/** Column values as stored: the event types as JSON. */
function stored(values: Partial<WebhookEntity>): Record<string, unknown> {
  const row: Record<string, unknown> = { ...values };
  if ('eventTypes' in values) {
    row.eventTypes = values.eventTypes ? JSON.stringify(values.eventTypes) : null;
  }
  return row;
}
