import { SYSTEM_ACTOR } from '../auth/principal.js';
import { columns } from '../database/database.service.js';
import { insertInto } from '../database/statements.js';
import { AgreementEventType } from '../events/entities/agreement-event.entity.js';
import type { LogWriter, NewEvent } from '../events/event-log.service.js';
import {
  DEFAULT_ENTRY_INTO_FORCE_RULE,
  EntryIntoForceKind,
  PartyMove,
  ScheduledMoveKind,
  settle,
  WorkflowAction,
  type EntryIntoForceRule,
  type ScheduledMove,
  type SettledMove,
  type TreatyState,
} from '../workflow/index.js';
import type { AgreementEntity } from './entities/agreement.entity.js';

/**
 * Where the agreement's own clauses meet the database (docs/multilateral.md): the moves they make
 * in the transaction of the change that makes them due, and the schedule of the moves ahead.
 */

const day = (date: Date) => date.toISOString().slice(0, 10);

export function treatyStateOf(agreement: AgreementEntity): TreatyState {
  return {
    stage: agreement.stage,
    stageEnteredAt: agreement.stageEnteredAt,
    parties: agreement.parties,
    rule: agreement.entryIntoForceRule,
    expiresAt: agreement.expiresAt,
    conditionMetAt: agreement.conditionMetAt,
    inForceAt: agreement.inForceAt,
  };
}

/** The moves due by `now`, and the agreement as they leave it (its schedule not yet saved). */
export function settleAgreement(agreement: AgreementEntity, now: Date) {
  return settle(treatyStateOf(agreement), now);
}

/** The event of a move the clauses made: actor `system`, on the date the clause gives. */
export function settledEvent(
  agreement: AgreementEntity,
  move: SettledMove,
  cause: { readonly actor: string; readonly sourceUrl?: string | null },
): NewEvent {
  const common = {
    agreementId: agreement.id,
    occurredAt: move.at,
    actor: SYSTEM_ACTOR,
    sourceUrl: cause.sourceUrl ?? null,
  };
  if ('stage' in move) {
    return {
      ...common,
      type: AgreementEventType.STAGE_CHANGED,
      action: move.stage.action,
      fromStage: move.stage.fromStage,
      toStage: move.stage.toStage,
      note: stageNote(agreement, move.stage.action, move.at, cause.actor),
    };
  }
  const { party, action } = move.party;
  return {
    ...common,
    type: AgreementEventType.PARTY_UPDATED,
    partyCode: party.code,
    partyAction: action,
    partyStatus: party.status,
    note:
      action === PartyMove.WITHDRAWAL_EFFECTIVE
        ? `${party.code}'s withdrawal took effect on ${day(move.at)} (recorded by ${cause.actor}).`
        : `In force for ${party.code} from ${day(move.at)} under the agreement's clause (recorded by ${cause.actor}).`,
  };
}

function stageNote(
  agreement: AgreementEntity,
  action: WorkflowAction,
  at: Date,
  actor: string,
): string {
  const rule = agreement.entryIntoForceRule;
  switch (action) {
    case WorkflowAction.RATIFY:
      return `Ratified: the condition of entry into force (${describeRule(rule)}) was met on ${day(at)} (recorded by ${actor}).`;
    case WorkflowAction.ENTER_INTO_FORCE:
      return `In force on ${day(at)} under its clause (${describeRule(rule)}) (recorded by ${actor}).`;
    case WorkflowAction.TERMINATE:
      return `Terminated: a withdrawal from this two-party agreement took effect on ${day(at)} (recorded by ${actor}).`;
    default:
      return `Expired on ${at.toISOString()}, its expiresAt (recorded by ${actor}).`;
  }
}

/** The rule in words, for the notes of the moves it makes. */
export function describeRule(rule: EntryIntoForceRule): string {
  const delay = [
    rule.daysAfter ? `${rule.daysAfter} days after` : null,
    rule.monthStart ? 'from the first day of the next month' : null,
  ]
    .filter(Boolean)
    .join(', ');
  switch (rule.kind) {
    case EntryIntoForceKind.ALL_PARTIES:
      return ['every party has consented', delay].filter(Boolean).join('; ');
    case EntryIntoForceKind.THRESHOLD:
      return [
        `${rule.instruments} instruments`,
        rule.share != null ? `${rule.share}% of the weights` : null,
        rule.requiredParties?.length ? `including ${rule.requiredParties.join(', ')}` : null,
        delay,
      ]
        .filter(Boolean)
        .join('; ');
    case EntryIntoForceKind.FIXED_DATE:
      return `on ${rule.date?.toISOString()}`;
    default:
      return 'MANUAL';
  }
}

/**
 * Makes the stored schedule of the agreement the one given, writing only the rows that differ,
 * and returns the date of the next move (null when none). An agreement with no schedule before
 * nor after costs no statement.
 */
export async function saveSchedule(
  log: LogWriter,
  agreement: AgreementEntity,
  scheduled: readonly ScheduledMove[],
): Promise<Date | null> {
  if (scheduled.length === 0 && !agreement.nextMoveAt) {
    return null;
  }
  const key = (move: { kind: string; partyCode: string | null; at: Date | string }) =>
    `${move.kind}/${move.partyCode ?? ''}/${new Date(move.at).getTime()}`;
  const stored = await log.select<{ kind: ScheduledMoveKind; partyCode: string; at: unknown }>(
    'SELECT "kind", "partyCode", "at" FROM "scheduled_move" WHERE "agreementId" = ?',
    [agreement.id],
  );
  const wanted = new Map(scheduled.map((move) => [key(move), move]));
  const have = new Set<string>();
  for (const row of stored) {
    const rowKey = key({
      kind: row.kind,
      partyCode: row.partyCode || null,
      at: columns.date(row.at),
    });
    if (wanted.has(rowKey)) {
      have.add(rowKey);
      continue;
    }
    await log.execute(
      'DELETE FROM "scheduled_move" WHERE "agreementId" = ? AND "kind" = ? AND "partyCode" = ?',
      [agreement.id, row.kind, row.partyCode],
    );
  }
  const missing = scheduled.filter((move) => !have.has(key(move)));
  for (let i = 0; i < missing.length; i += 100) {
    await insertInto(
      log.execute,
      'scheduled_move',
      missing.slice(i, i + 100).map((move) => ({
        agreementId: agreement.id,
        kind: move.kind,
        partyCode: move.partyCode ?? '',
        at: move.at,
      })),
    );
  }
  return scheduled.reduce<Date | null>(
    (soonest, move) => (!soonest || move.at.getTime() < soonest.getTime() ? move.at : soonest),
    null,
  );
}

/** The rule as stored: JSON without its empty fields; null for the default rule. */
export function storedRule(rule: EntryIntoForceRule | null | undefined): string | null {
  if (!rule || (rule.kind === EntryIntoForceKind.MANUAL && Object.keys(rule).length === 1)) {
    return null;
  }
  const present = Object.entries(rule).filter(([, value]) => value !== null && value !== undefined);
  return JSON.stringify(Object.fromEntries(present));
}

/** The rule as given, without its empty fields (the default rule for none). */
export function normalizedRule(rule: EntryIntoForceRule | null | undefined): EntryIntoForceRule {
  const stored = storedRule(rule);
  if (!stored || !rule) {
    return DEFAULT_ENTRY_INTO_FORCE_RULE;
  }
  return Object.fromEntries(
    Object.entries(rule).filter(([, value]) => value !== null && value !== undefined),
  ) as unknown as EntryIntoForceRule;
}
