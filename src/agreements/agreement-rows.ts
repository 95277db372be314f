import type { PageRequest } from '../common/pagination.js';
import { columns, type Database, type Select } from '../database/database.service.js';
import { pageAsJson } from '../events/event-log.service.js';
import {
  DEFAULT_ENTRY_INTO_FORCE_RULE,
  type AgreementKind,
  type AgreementStage,
  type ApprovalStatus,
  type ConsentMeans,
  type EntryIntoForceRule,
  type PartyStatus,
} from '../workflow/index.js';
import type { AgreementCache } from './agreement-cache.js';
import { AgreementEntity } from './entities/agreement.entity.js';
import { PartyEntity } from './entities/party.entity.js';

/**
 * Agreements read with plain SQL, the hot path of every query: two statements for agreements with
 * their parties, one page of them or one.
 */

type Row = Record<string, unknown>;

/** An agreement from its row (as `SELECT *` or `RETURNING *` give it) and its parties. */
export function agreementFrom(row: Row, parties: PartyEntity[]): AgreementEntity {
  return Object.assign(new AgreementEntity(), {
    id: row.id as string,
    title: row.title as string,
    shortTitle: row.shortTitle as string | null,
    kind: row.kind as AgreementKind,
    summary: row.summary as string | null,
    termYears: row.termYears as number | null,
    predecessorId: row.predecessorId as string | null,
    stage: row.stage as AgreementStage,
    stageEnteredAt: columns.date(row.stageEnteredAt),
    version: Number(row.version),
    createdSequence: Number(row.createdSequence),
    searchText: row.searchText as string,
    createdAt: columns.date(row.createdAt),
    updatedAt: columns.date(row.updatedAt),
    signedAt: columns.dateOrNull(row.signedAt),
    entryIntoForceRule: ruleFrom(row.entryIntoForce),
    withdrawalNoticeMonths: Number(row.withdrawalNoticeMonths),
    expiresAt: columns.dateOrNull(row.expiresAt),
    conditionMetAt: columns.dateOrNull(row.conditionMetAt),
    inForceAt: columns.dateOrNull(row.inForceAt),
    nextMoveAt: columns.dateOrNull(row.nextMoveAt),
    parties,
  });
}

/** The stored rule (JSON, its `date` an ISO string), or the default rule for null. */
function ruleFrom(value: unknown): EntryIntoForceRule {
  const stored = columns.json<EntryIntoForceRule & { date?: string | null }>(value);
  if (!stored) {
    return DEFAULT_ENTRY_INTO_FORCE_RULE;
  }
  return { ...stored, date: stored.date ? new Date(stored.date) : null };
}

/** A party from its row. */
export function partyFrom(row: Row, agreementId: string): PartyEntity {
  const column = (name: string) => row[name];
  return Object.assign(new PartyEntity(), {
    agreementId,
    code: column('code') as string,
    position: Number(column('position')),
    name: column('name') as string,
    legislature: column('legislature') as string | null,
    approvalRequired: columns.boolean(column('approvalRequired')),
    approvalStatus: column('approvalStatus') as ApprovalStatus,
    approvalUpdatedAt: columns.dateOrNull(column('approvalUpdatedAt')),
    bodies: columns.json<string[]>(column('bodies')),
    approvalBody: Number(column('approvalBody') ?? 0),
    approvalAttempt: Number(column('approvalAttempt') ?? 1),
    votesFor: column('votesFor') as number | null,
    votesAgainst: column('votesAgainst') as number | null,
    abstentions: column('abstentions') as number | null,
    status: column('status') as PartyStatus,
    weight: column('weight') === null ? null : Number(column('weight')),
    signedAt: columns.dateOrNull(column('signedAt')),
    consentMeans: column('consentMeans') as ConsentMeans | null,
    consentedAt: columns.dateOrNull(column('consentedAt')),
    consentReference: column('consentReference') as string | null,
    inForceFrom: columns.dateOrNull(column('inForceFrom')),
    withdrawalNoticeAt: columns.dateOrNull(column('withdrawalNoticeAt')),
    withdrawalEffectiveAt: columns.dateOrNull(column('withdrawalEffectiveAt')),
    provisionalApplicationFrom: columns.dateOrNull(column('provisionalApplicationFrom')),
    lastActionAt: columns.dateOrNull(column('lastActionAt')),
  });
}

/**
 * The agreements whose `column` (their id, or their predecessor's) is one of `values`, each with
 * its parties: two statements, the agreements' rows and their parties' (a join would repeat
 * every agreement column on each of up to 250 party rows).
 */
export async function loadAgreements(
  select: Select,
  column: 'id' | 'predecessorId',
  values: readonly string[],
  cache?: AgreementCache,
  scope?: object,
): Promise<AgreementEntity[]> {
  const rows = await select(
    `SELECT * FROM "agreement" WHERE "${column}" IN (${values.map(() => '?').join(', ')})
     ORDER BY "createdSequence"`,
    values,
  );
  return cache ? cache.withParties(select, rows, scope) : withParties(select, rows);
}

/** The agreement whose `column` is `value`, or null. */
export async function loadAgreement(
  select: Select,
  column: 'id' | 'predecessorId',
  value: string,
  cache?: AgreementCache,
  scope?: object,
): Promise<AgreementEntity | null> {
  const [agreement] = await loadAgreements(select, column, [value], cache, scope);
  return agreement ?? null;
}

/** Agreements from rows of the agreement table, each with its parties (one more statement). */
export async function withParties(select: Select, rows: Row[]): Promise<AgreementEntity[]> {
  if (rows.length === 0) {
    return [];
  }
  const parties = await select(
    `SELECT * FROM "party" WHERE "agreementId" IN (${rows.map(() => '?').join(', ')}) ORDER BY "agreementId", "position"`,
    rows.map((row) => row.id),
  );
  const byAgreement = new Map<string, PartyEntity[]>();
  for (const row of parties) {
    const party = partyFrom(row, row.agreementId as string);
    const own = byAgreement.get(party.agreementId);
    if (own) {
      own.push(party);
    } else {
      byAgreement.set(party.agreementId, [party]);
    }
  }
  return rows.map((row) => agreementFrom(row, byAgreement.get(row.id as string) ?? []));
}

/**
 * PostgreSQL: the row of the agreement `id` (as `SELECT *` gives it; null when there is none)
 * and the rows of the page `page` of its timeline (`pageQuery`'s), in one statement, a round
 * trip fewer than two: the row and the events come as JSON values.
 */
export async function agreementRowWithEvents(
  db: Database,
  id: string,
  page: PageRequest,
): Promise<[Row | null, unknown[][]]> {
  if (db.dialect !== 'postgres') {
    throw new Error('agreementRowWithEvents reads PostgreSQL only');
  }
  const events = pageAsJson({ agreementId: id }, page);
  const [[row, rows]] = await db.selectValues(
    `SELECT (SELECT row_to_json("a") FROM "agreement" AS "a" WHERE "id" = ?), ${events.sql}`,
    [id, ...events.params],
  );
  return [(row ?? null) as Row | null, (rows ?? []) as unknown[][]];
}
