import { createHash } from 'node:crypto';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/domain-error.js';
import type { LogWriter } from '../events/event-log.service.js';
import { AgreementEntity } from './entities/agreement.entity.js';
import { insertInto } from '../database/statements.js';
import type { IdempotencyKeyEntity } from './entities/idempotency-key.entity.js';
import { PartyEntity } from './entities/party.entity.js';

/** How long a key is remembered. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;

/**
 * Runs a write once per (actor, idempotencyKey), inside the caller's transaction: a retry with
 * the same key returns the first result and writes nothing; the same key sent with another
 * request is refused. Without a key, the write simply runs.
 */
export async function once(
  log: LogWriter,
  actor: Principal,
  operation: string,
  input: { idempotencyKey?: string | null },
  perform: () => Promise<AgreementEntity>,
): Promise<AgreementEntity> {
  const key = input.idempotencyKey;
  if (!key) {
    return perform();
  }
  const requestHash = hashRequest(operation, input);
  const [stored] = await log.select<
    Pick<IdempotencyKeyEntity, 'operation' | 'requestHash' | 'response'>
  >(
    'SELECT "operation", "requestHash", "response" FROM "idempotency_key" WHERE "actor" = ? AND "key" = ?',
    [actor.name, key],
  );
  if (stored) {
    if (stored.requestHash !== requestHash) {
      throw DomainError.badInput({
        idempotencyKey: `this key was used for another request (${stored.operation}); use a new key for a new request`,
      });
    }
    return revive(stored.response);
  }
  const result = await perform();
  const now = new Date();
  await log.execute('DELETE FROM "idempotency_key" WHERE "createdAt" < ?', [
    new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS),
  ]);
  await insertInto(log.execute, 'idempotency_key', [
    {
      actor: actor.name,
      key,
      operation,
      requestHash,
      response: JSON.stringify(result),
      createdAt: now,
    },
  ]);
  return result;
}

/** The request without its key, fields in a fixed order, absent and null alike. */
function hashRequest(operation: string, input: object): string {
  const fields = Object.entries(input)
    .filter(([name, value]) => name !== 'idempotencyKey' && value !== undefined && value !== null)
    .sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(JSON.stringify([operation, fields]))
    .digest('hex');
}

/** The date fields of a stored answer, which JSON keeps as ISO strings. */
const AGREEMENT_DATES = [
  'stageEnteredAt',
  'createdAt',
  'updatedAt',
  'signedAt',
  'expiresAt',
] as const;
const PARTY_DATES = [
  'approvalUpdatedAt',
  'signedAt',
  'consentedAt',
  'inForceFrom',
  'withdrawalNoticeAt',
  'withdrawalEffectiveAt',
  'provisionalApplicationFrom',
  'lastActionAt',
] as const;

function revive(json: string): AgreementEntity {
  const plain = JSON.parse(json) as Record<string, unknown> & {
    parties: Record<string, unknown>[];
    entryIntoForceRule: Record<string, unknown>;
  };
  const dates = (object: Record<string, unknown>, fields: readonly string[]) =>
    Object.fromEntries(
      fields.map((field) => {
        const value = object[field];
        return [field, typeof value === 'string' ? new Date(value) : null];
      }),
    );
  return Object.assign(new AgreementEntity(), plain, dates(plain, AGREEMENT_DATES), {
    entryIntoForceRule: {
      ...plain.entryIntoForceRule,
      ...dates(plain.entryIntoForceRule, ['date']),
    },
    parties: plain.parties.map((party) =>
      Object.assign(new PartyEntity(), party, dates(party, PARTY_DATES)),
    ),
  });
}
