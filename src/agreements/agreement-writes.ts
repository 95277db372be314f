import { SYSTEM_ACTOR, type Principal } from '../auth/principal.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { updateReturning } from '../database/statements.js';
import { AgreementEventType } from '../events/entities/agreement-event.entity.js';
import type { LogWriter, NewEvent } from '../events/event-log.service.js';
import {
  AgreementStage,
  partyMovesOfStage,
  PartyStatus,
  WorkflowAction,
  type AgreementState,
  type Outcome,
  type PartyBinding,
  type PartyUpdate,
  type WorkflowEvent,
} from '../workflow/index.js';
import { agreementFrom, loadAgreement, partyFrom } from './agreement-rows.js';
import type { AgreementEntity } from './entities/agreement.entity.js';
import type { PartyEntity } from './entities/party.entity.js';

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
}

export async function reload(log: LogWriter, id: string): Promise<AgreementEntity> {
  const agreement = await loadAgreement(log.select, 'id', id);
  if (!agreement) {
    throw new Error(`Agreement ${id} vanished inside its own transaction`);
  }
  return agreement;
}

/** Loads an agreement to change it, refusing an unknown one or a stale `expectedVersion`. */
export async function lockForChange(
  log: LogWriter,
  id: string,
  expectedVersion: number | null | undefined,
): Promise<AgreementEntity> {
  const agreement = await loadAgreement(log.select, 'id', id);
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
): Promise<AgreementEntity> {
  const [row] = await updateReturning(
    log.execute,
    'agreement',
    { ...values, version: agreement.version + 1, updatedAt: new Date() },
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
        approvalStatus: event.approvalStatus,
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
  const stored = new Map(agreement.parties.map((party) => [party.code, party]));
  for (const [code, values] of changes) {
    stored.set(code, await saveParty(log, agreement.id, code, values));
  }
  const saved = await saveAgreement(log, agreement, { stage, stageEnteredAt, signedAt }, [
    ...stored.values(),
  ]);
  await log.append(newEvents);
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
    ...(event.derived ? {} : record.vote),
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
