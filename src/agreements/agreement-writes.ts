import { SYSTEM_ACTOR, type Principal } from '../auth/principal.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { updateReturning } from '../database/statements.js';
import { AgreementEventType } from '../events/entities/agreement-event.entity.js';
import type { LogWriter, NewEvent } from '../events/event-log.service.js';
import {
  AgreementStage,
  bodiesRefusal,
  type ApprovalStatus,
  partyMovesOfStage,
  PartyStatus,
  WorkflowAction,
  type AgreementState,
  type Outcome,
  type PartyBinding,
  type PartyUpdate,
  type WorkflowEvent,
} from '../workflow/index.js';
import type { AgreementCache } from './agreement-cache.js';
import { agreementFrom, loadAgreement, partyFrom } from './agreement-rows.js';
import { saveSchedule, settleAgreement, settledEvent, storedRule } from './clauses.js';
import { AgreementEntity } from './entities/agreement.entity.js';
import type { PartyEntity } from './entities/party.entity.js';
import type { PartyInput } from './dto/party.input.js';

/**
 * The steps every write to an agreement shares, inside the transaction of the event log: load and
 * lock it, save what the workflow decided with the next version, and append the events.
 */

/** What a write says about itself, recorded on the events it appends. */
export interface ChangeRecord {
  readonly actor: Principal;
  readonly occurredAt: Date;
  readonly note?: string | null;
  readonly sourceUrl?: string | null;
  /** The vote of an approval step, if one was given: kept on the party and on its event. */
  readonly vote?: Partial<Pick<PartyEntity, 'votesFor' | 'votesAgainst' | 'abstentions'>>;
  /** A referendum's result, if the step is one: kept on its event. */
  readonly referendum?: Partial<Pick<NewEvent, 'yesPercent' | 'turnoutPercent'>>;
}

export async function reload(log: LogWriter, id: string): Promise<AgreementEntity> {
  const agreement = await loadAgreement(log.select, 'id', id);
  if (!agreement) {
    throw new Error(`Agreement ${id} vanished inside its own transaction`);
  }
  return agreement;
}

/**
 * Loads an agreement to change it, refusing an unknown one or a stale `expectedVersion`; its
 * parties from `cache` when it remembers them at the version read.
 */
export async function lockForChange(
  log: LogWriter,
  id: string,
  expectedVersion: number | null | undefined,
  cache?: AgreementCache,
): Promise<AgreementEntity> {
  const agreement = await loadAgreement(log.select, 'id', id, cache, log.scope);
  if (!agreement) {
    throw DomainError.notFound('agreement', id);
  }
  if (expectedVersion != null && expectedVersion !== agreement.version) {
    throw versionConflict(expectedVersion, agreement.version);
  }
  return agreement;
}

function versionConflict(expectedVersion: number, actualVersion: number): DomainError {
  return new DomainError(
    ErrorCode.VERSION_CONFLICT,
    `The agreement is at version ${actualVersion}, not ${expectedVersion}: someone changed it meanwhile. Read it again and retry if the change still applies.`,
    { expectedVersion, actualVersion },
  );
}

/**
 * Writes new values and the next version, on condition that the version is still the one read:
 * a concurrent writer that got there first makes this a VERSION_CONFLICT, never a lost update.
 * Returns the agreement as stored now, with `parties` (as they were read, or as updated).
 */
export async function saveAgreement(
  log: LogWriter,
  agreement: AgreementEntity,
  values: Partial<AgreementEntity>,
  parties = agreement.parties,
  bump = true,
): Promise<AgreementEntity> {
  // The rule is a field of the entity and a JSON column of the row.
  const { entryIntoForceRule, ...columns } = values;
  const [row] = await updateReturning(
    log.execute,
    'agreement',
    {
      ...columns,
      ...(entryIntoForceRule ? { entryIntoForce: storedRule(entryIntoForceRule) } : {}),
      version: agreement.version + (bump ? 1 : 0),
      updatedAt: new Date(),
    },
    { id: agreement.id, version: agreement.version },
  );
  if (!row) {
    const [current] = await log.select<{ version: number }>(
      'SELECT "version" FROM "agreement" WHERE "id" = ?',
      [agreement.id],
    );
    throw versionConflict(agreement.version, Number(current?.version));
  }
  return agreementFrom(row, parties);
}

/** Writes a party's columns; returns the party as stored now. */
export async function saveParty(
  log: LogWriter,
  agreementId: string,
  code: string,
  values: Partial<PartyEntity>,
): Promise<PartyEntity> {
  const [row] = await updateReturning(log.execute, 'party', values, { agreementId, code });
  if (!row) {
    throw new Error(`Party ${code} of ${agreementId} vanished inside its own transaction`);
  }
  return partyFrom(row, agreementId);
}

/** The row of a party joining an agreement, at the start of its procedure. */
export function newPartyRow(
  agreementId: string,
  party: PartyInput,
  position: number,
  approvalStatus: ApprovalStatus,
  binding: PartyBinding,
): Record<string, unknown> {
  return {
    agreementId,
    code: party.code,
    position,
    name: party.name,
    legislature: party.legislature ?? null,
    approvalRequired: party.approvalRequired,
    approvalStatus,
    approvalUpdatedAt: null,
    bodies: party.bodies ? JSON.stringify(party.bodies) : null,
    approvalBody: 0,
    approvalAttempt: 1,
    votesFor: null,
    votesAgainst: null,
    abstentions: null,
    weight: party.weight ?? null,
    ...bindingColumns(binding),
  };
}

/**
 * The bodies given for each party that cannot be stored (`bodiesRefusal`), by field: `prefix`
 * is where the parties are in the input (`parties.0`, `party`).
 */
export function bodiesProblems(
  parties: readonly PartyInput[],
  field: (index: number) => string,
): Record<string, string> {
  const problems: Record<string, string> = {};
  parties.forEach((party, index) => {
    const refusal = bodiesRefusal(party.bodies, party.approvalRequired);
    if (refusal) {
      problems[`${field(index)}.bodies`] = refusal;
    }
  });
  return problems;
}

/** The columns of a party's path to being bound. */
export function bindingColumns(party: PartyBinding): Partial<PartyEntity> {
  return {
    status: party.status,
    signedAt: party.signedAt,
    consentMeans: party.consentMeans,
    consentedAt: party.consentedAt,
    consentReference: party.consentReference,
    inForceFrom: party.inForceFrom,
    withdrawalNoticeAt: party.withdrawalNoticeAt,
    withdrawalEffectiveAt: party.withdrawalEffectiveAt,
    provisionalApplicationFrom: party.provisionalApplicationFrom,
    lastActionAt: party.lastActionAt,
  };
}

/**
 * Saves what the workflow decided and appends its events: the stage move, the approval steps, and
 * the parties' moves that follow from the stage move (entry into force binds those who consented).
 */
export async function applyOutcome(
  log: LogWriter,
  agreement: AgreementEntity,
  outcome: Outcome,
  record: ChangeRecord,
): Promise<AgreementEntity> {
  const { stage, stageEnteredAt, parties } = outcome.agreement;
  const changes = new Map<string, Partial<PartyEntity>>();
  const change = (code: string, values: Partial<PartyEntity>) =>
    changes.set(code, { ...changes.get(code), ...values });
  for (const event of outcome.events) {
    if (event.type === 'APPROVAL_UPDATED') {
      const party = parties.find((candidate) => candidate.code === event.partyCode);
      change(event.partyCode, {
        approvalStatus: event.partyApprovalStatus,
        approvalBody: party?.approvalBody ?? 0,
        approvalAttempt: party?.approvalAttempt ?? 1,
        approvalUpdatedAt: party?.approvalUpdatedAt ?? record.occurredAt,
        ...(event.derived ? {} : record.vote),
      });
    }
  }
  // The parties as the stage moves find them: with the approval steps just taken.
  let current: PartyEntity[] = agreement.parties.map((party) => ({
    ...party,
    ...changes.get(party.code),
  }));
  const newEvents: NewEvent[] = [];
  let signedAt = agreement.signedAt;
  for (const event of outcome.events) {
    newEvents.push(toNewEvent(agreement.id, event, record));
    if (event.type !== 'STAGE_CHANGED') {
      continue;
    }
    if (event.toStage === AgreementStage.SIGNED) {
      signedAt = record.occurredAt;
    }
    const moves = partyMovesOfStage(
      event.action,
      agreement.entryIntoForceRule.kind,
      current,
      record.occurredAt,
    );
    for (const move of moves) {
      change(move.party.code, bindingColumns(move.party));
      newEvents.push(partyEvent(agreement.id, move, { ...record, occurredAt: record.occurredAt }));
    }
    const moved = new Map(moves.map((move) => [move.party.code, move.party]));
    current = current.map((party) => ({ ...party, ...moved.get(party.code) }));
  }
  return commitChange(
    log,
    agreement,
    { values: { stage, stageEnteredAt, signedAt }, parties: changes, events: newEvents },
    record,
  );
}

/** A copy of the agreement with these values and parties (for the clauses to look at). */
export function withChanges(
  agreement: AgreementEntity,
  values: Partial<AgreementEntity>,
  parties: PartyEntity[],
): AgreementEntity {
  return Object.assign(new AgreementEntity(), agreement, values, { parties });
}

/** One write's changes to an agreement, before the clauses have had their say. */
export interface Change {
  /** Columns of the agreement. */
  readonly values: Partial<AgreementEntity>;
  /** Columns of its parties, by code. */
  readonly parties: ReadonlyMap<string, Partial<PartyEntity>>;
  /** Its events, in order. */
  readonly events: readonly NewEvent[];
}

/**
 * Saves a write: its changes, then the moves the agreement's clauses make because of them (each
 * its own event, actor `system`, dated by the clause: ratification when the condition is met,
 * entry into force, parties bound, withdrawals taking effect, expiry), the schedule of the moves
 * still ahead, and the next version, all in the caller's transaction. `bump: false` keeps the
 * version (the moves made at registration belong to the creation).
 */
export async function commitChange(
  log: LogWriter,
  agreement: AgreementEntity,
  change: Change,
  record: { readonly actor: Principal | string; readonly sourceUrl?: string | null },
  { now = new Date(), bump = true }: { now?: Date; bump?: boolean } = {},
): Promise<AgreementEntity> {
  const partyValues = new Map(change.parties);
  const changed = withChanges(
    agreement,
    change.values,
    agreement.parties.map((party) => ({ ...party, ...partyValues.get(party.code) })),
  );
  const settlement = settleAgreement(changed, now);
  const actor = typeof record.actor === 'string' ? record.actor : record.actor.name;
  const events = [
    ...change.events,
    ...settlement.moves.map((move) => settledEvent(changed, move, { ...record, actor })),
  ];
  const values: Partial<AgreementEntity> = { ...change.values };
  if (settlement.moves.length > 0) {
    const { stage, stageEnteredAt, conditionMetAt, inForceAt } = settlement.state;
    Object.assign(values, { stage, stageEnteredAt, conditionMetAt, inForceAt });
    const settled = new Map(settlement.state.parties.map((party) => [party.code, party]));
    for (const move of settlement.moves) {
      if ('party' in move) {
        const code = move.party.party.code;
        partyValues.set(code, {
          ...partyValues.get(code),
          ...bindingColumns(settled.get(code) ?? move.party.party),
        });
      }
    }
  }
  const nextMoveAt = await saveSchedule(log, changed, settlement.scheduled);
  if (nextMoveAt?.getTime() !== agreement.nextMoveAt?.getTime()) {
    values.nextMoveAt = nextMoveAt;
  }
  const stored = new Map(agreement.parties.map((party) => [party.code, party]));
  for (const [code, columns] of partyValues) {
    if (Object.keys(columns).length > 0) {
      stored.set(code, await saveParty(log, agreement.id, code, columns));
    }
  }
  const saved = await saveAgreement(log, agreement, values, [...stored.values()], bump);
  await log.append(events);
  return saved;
}

/** The PARTY_UPDATED event of one party's action or move. */
export function partyEvent(
  agreementId: string,
  update: PartyUpdate,
  record: ChangeRecord,
): NewEvent {
  return {
    agreementId,
    type: AgreementEventType.PARTY_UPDATED,
    occurredAt: record.occurredAt,
    actor: update.derived ? SYSTEM_ACTOR : record.actor.name,
    note: update.derived ? derivedPartyNote(update, record) : (record.note ?? null),
    sourceUrl: record.sourceUrl ?? null,
    partyCode: update.party.code,
    partyAction: update.action,
    partyStatus: update.party.status,
    consentMeans: update.means,
    reference: update.reference,
  };
}

function derivedPartyNote(update: PartyUpdate, record: ChangeRecord): string {
  return update.party.status === PartyStatus.PARTY
    ? `In force for ${update.party.code} (recorded by ${record.actor.name}).`
    : `${update.party.code} consented: the agreement was ratified (recorded by ${record.actor.name}).`;
}

function toNewEvent(agreementId: string, event: WorkflowEvent, record: ChangeRecord): NewEvent {
  const common = {
    agreementId,
    occurredAt: record.occurredAt,
    // A derived move has the server as actor; it cites the source of the change that caused it.
    actor: event.derived ? SYSTEM_ACTOR : record.actor.name,
    note: event.derived ? derivedNote(event, record) : (record.note ?? null),
    sourceUrl: record.sourceUrl ?? null,
  };
  if (event.type === 'STAGE_CHANGED') {
    return {
      ...common,
      type: AgreementEventType.STAGE_CHANGED,
      action: event.action,
      fromStage: event.fromStage,
      toStage: event.toStage,
    };
  }
  return {
    ...common,
    type: AgreementEventType.APPROVAL_UPDATED,
    partyCode: event.partyCode,
    approvalStatus: event.approvalStatus,
    partyApprovalStatus: event.partyApprovalStatus,
    body: event.body,
    stepKind: event.kind,
    binding: event.binding,
    attempt: event.attempt,
    ...(event.derived ? {} : { ...record.vote, ...record.referendum }),
  };
}

function derivedNote(event: WorkflowEvent, record: ChangeRecord): string {
  if (event.type === 'APPROVAL_UPDATED') {
    return `Approval track reset to ${event.approvalStatus}: the agreement went back to negotiation.`;
  }
  return event.action === WorkflowAction.RATIFY
    ? `Ratified: every party that needed approval has approved (recorded by ${record.actor.name}).`
    : `Rejected: a party's legislature rejected it (recorded by ${record.actor.name}).`;
}

export function stateOf(agreement: AgreementEntity): AgreementState {
  return {
    stage: agreement.stage,
    stageEnteredAt: agreement.stageEnteredAt,
    parties: agreement.parties,
  };
}
