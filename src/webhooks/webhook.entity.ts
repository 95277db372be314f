import { columns } from '../database/database.service.js';
import type { AgreementEventType } from '../events/entities/agreement-event.entity.js';
import type { EventFilter } from '../events/event-log.service.js';

/** A webhook as stored (README, "Webhooks"; the table: migrations/shared/webhooks.ts). */
export class WebhookEntity {
  id: string;
  url: string;
  description: string | null;
  /** Only these types; null: every type. */
  eventTypes: AgreementEventType[] | null;
  agreementId: string | null;
  partyCode: string | null;
  secret: string;
  /** The secret before the last rotation, still signing until previousSecretUntil. */
  previousSecret: string | null;
  previousSecretUntil: Date | null;
  enabled: boolean;
  disabledAt: Date | null;
  disabledReason: string | null;
  /** Every event up to this sequence was delivered, or did not match. */
  position: number;
  /** Failed attempts in a row, on the event after `position`. */
  failures: number;
  failingSince: Date | null;
  nextAttemptAt: Date | null;
  lastError: string | null;
  lastDeliveredAt: Date | null;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export function webhookFrom(row: Record<string, unknown>): WebhookEntity {
  return Object.assign(new WebhookEntity(), row, {
    eventTypes: columns.json<AgreementEventType[]>(row.eventTypes),
    previousSecretUntil: columns.dateOrNull(row.previousSecretUntil),
    enabled: columns.boolean(row.enabled),
    disabledAt: columns.dateOrNull(row.disabledAt),
    position: Number(row.position),
    failures: Number(row.failures),
    failingSince: columns.dateOrNull(row.failingSince),
    nextAttemptAt: columns.dateOrNull(row.nextAttemptAt),
    lastDeliveredAt: columns.dateOrNull(row.lastDeliveredAt),
    leaseUntil: columns.dateOrNull(row.leaseUntil),
    createdAt: columns.date(row.createdAt),
    updatedAt: columns.date(row.updatedAt),
  });
}

/** The events a webhook receives, as the event log filters them. */
export function filterOf(webhook: WebhookEntity): EventFilter {
  return {
    agreementId: webhook.agreementId ?? undefined,
    partyCode: webhook.partyCode ?? undefined,
    types: webhook.eventTypes ?? undefined,
  };
}

/** The secrets a message is signed with at `now`: the current one, and the previous for a while. */
export function signingSecrets(webhook: WebhookEntity, now: Date): string[] {
  return webhook.previousSecret && webhook.previousSecretUntil && webhook.previousSecretUntil > now
    ? [webhook.secret, webhook.previousSecret]
    : [webhook.secret];
}

/** One attempt to deliver an event to a webhook. */
export class WebhookDeliveryEntity {
  id: number;
  webhookId: string;
  sequence: number;
  eventType: AgreementEventType;
  /** 1 for the first attempt at this event, 2 for the first retry, ... */
  attempt: number;
  /** Asked for by an admin (`redeliver`), outside the webhook's order. */
  redelivery: boolean;
  attemptedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  /** When it will be tried again, after a failure. */
  nextAttemptAt: Date | null;
}

export function deliveryFrom(row: Record<string, unknown>): WebhookDeliveryEntity {
  return Object.assign(new WebhookDeliveryEntity(), row, {
    id: Number(row.id),
    sequence: Number(row.sequence),
    attempt: Number(row.attempt),
    redelivery: columns.boolean(row.redelivery),
    attemptedAt: columns.date(row.attemptedAt),
    durationMs: Number(row.durationMs),
    statusCode: row.statusCode === null ? null : Number(row.statusCode),
    nextAttemptAt: columns.dateOrNull(row.nextAttemptAt),
  });
}
