import { columns, type Select } from '../database/database.service.js';
import {
  DEFAULT_ENTRY_INTO_FORCE_RULE,
  type AgreementKind,
  type AgreementStage,
  type ApprovalStatus,
  type ConsentMeans,
  type EntryIntoForceRule,
  type PartyStatus,
} from '../workflow/index.js';
import { AgreementEntity } from './entities/agreement.entity.js';
import { PartyEntity } from './entities/party.entity.js';

/**
 * Agreements read with plain SQL, the hot path of every query: one statement for agreements with
 * their parties, two for a page of them.
 */

const PARTY_COLUMNS = [
  'code',
  'position',
  'name',
  'legislature',
  'approvalRequired',
  'approvalStatus',
  'approvalUpdatedAt',
  'votesFor',
  'votesAgainst',
  'abstentions',
  'status',
  'weight',
  'signedAt',
  'consentMeans',
  'consentedAt',
  'consentReference',
  'inForceFrom',
  'withdrawalNoticeAt',
  'withdrawalEffectiveAt',
  'provisionalApplicationFrom',
  'lastActionAt',
];

/** The agreement columns, and each party column prefixed `party_`: one row per party. */
const WITH_PARTIES = `SELECT a.*, ${PARTY_COLUMNS.map((column) => `p."${column}" AS "party_${column}"`).join(', ')}
  FROM "agreement" a JOIN "party" p ON p."agreementId" = a."id"`;

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

/** A party from its row; `prefix` names its columns in a row joined with its agreement. */
export function partyFrom(row: Row, agreementId: string, prefix = ''): PartyEntity {
  const column = (name: string) => row[prefix + name];
  return Object.assign(new PartyEntity(), {
    agreementId,
    code: column('code') as string,
    position: Number(column('position')),
    name: column('name') as string,
    legislature: column('legislature') as string | null,
    approvalRequired: columns.boolean(column('approvalRequired')),
    approvalStatus: column('approvalStatus') as ApprovalStatus,
    approvalUpdatedAt: columns.dateOrNull(column('approvalUpdatedAt')),
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
 * its parties: one statement.
 */
export async function loadAgreements(
  select: Select,
  column: 'id' | 'predecessorId',
  values: readonly string[],
): Promise<AgreementEntity[]> {
  const rows = await select(
    `${WITH_PARTIES} WHERE a."${column}" IN (${values.map(() => '?').join(', ')})
     ORDER BY a."createdSequence", p."position"`,
    values,
  );
  const byAgreement = new Map<string, Row[]>();
  for (const row of rows) {
    const id = row.id as string;
    byAgreement.set(id, [...(byAgreement.get(id) ?? []), row]);
  }
  return [...byAgreement.entries()].map(([id, own]) =>
    agreementFrom(
      own[0],
      own.map((row) => partyFrom(row, id, 'party_')),
    ),
  );
}

/** The agreement whose `column` is `value`, or null. */
export async function loadAgreement(
  select: Select,
  column: 'id' | 'predecessorId',
  value: string,
): Promise<AgreementEntity | null> {
  const [agreement] = await loadAgreements(select, column, [value]);
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
    byAgreement.set(party.agreementId, [...(byAgreement.get(party.agreementId) ?? []), party]);
  }
  return rows.map((row) => agreementFrom(row, byAgreement.get(row.id as string) ?? []));
}
