import { Injectable } from '@nestjs/common';
import { AgreementCache } from '../agreements/agreement-cache.js';
import { partyFrom } from '../agreements/agreement-rows.js';
import {
  bindingColumns,
  bodiesProblems,
  newPartyRow,
  commitChange,
  lockForChange,
  withChanges,
  partyEvent,
} from '../agreements/agreement-writes.js';
import { MAX_PARTIES } from '../agreements/dto/create-agreement.input.js';
import type { AgreementEntity } from '../agreements/entities/agreement.entity.js';
import type { PartyEntity } from '../agreements/entities/party.entity.js';
import { once } from '../agreements/idempotency.js';
import type { Principal } from '../auth/principal.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { insertInto } from '../database/statements.js';
import { AgreementEventType } from '../events/entities/agreement-event.entity.js';
import { EventLog, type LogWriter } from '../events/event-log.service.js';
import {
  AgreementStage,
  ApprovalStatus,
  joinRefusal,
  PartyAction,
  partyTransition,
  PartyStatus,
  registeredBinding,
  validateEntryIntoForceRule,
} from '../workflow/index.js';
import type { AddPartyInput } from './dto/add-party.input.js';
import type { RecordPartyActionInput } from './dto/record-party-action.input.js';

/**
 * Each party's path to being bound (docs/multilateral.md): its actions, recorded through the
 * party table of `workflow/`, and the states that join an agreement later. Every write is one
 * transaction of the event log, like the agreement's own.
 */
@Injectable()
export class PartyActionsService {
  constructor(
    private readonly log: EventLog,
    readonly cache: AgreementCache,
  ) {}

  recordPartyAction(input: RecordPartyActionInput, actor: Principal): Promise<AgreementEntity> {
    return this.cache.write(this.log, (log) =>
      once(log, actor, 'recordPartyAction', input, () =>
        this.recordPartyActionIn(log, input, actor),
      ),
    );
  }

  addParty(input: AddPartyInput, actor: Principal): Promise<AgreementEntity> {
    return this.cache.write(this.log, (log) =>
      once(log, actor, 'addParty', input, () => this.addPartyIn(log, input, actor)),
    );
  }

  /** A party action inside a caller's transaction (the import records a whole table in one). */
  async recordPartyActionIn(
    log: LogWriter,
    input: RecordPartyActionInput,
    actor: Principal,
  ): Promise<AgreementEntity> {
    const agreement = await lockForChange(
      log,
      input.agreementId,
      input.expectedVersion,
      this.cache,
    );
    const party = partyOf(agreement, input.partyCode);
    const occurredAt = input.occurredAt ?? new Date();
    const next = partyTransition(
      agreement.stage,
      agreement.signedAt,
      party,
      input.action as PartyAction,
      {
        means: input.means,
        reference: input.reference,
        occurredAt,
        withdrawalEffectiveAt: input.withdrawalEffectiveAt,
        withdrawalNoticeMonths: agreement.withdrawalNoticeMonths,
        conditionMetAt: agreement.conditionMetAt,
      },
    );
    return commitChange(
      log,
      agreement,
      {
        values: {},
        parties: new Map([[party.code, bindingColumns(next)]]),
        events: [
          partyEvent(
            agreement.id,
            {
              party: next,
              action: input.action,
              means: input.means ?? null,
              reference: input.reference ?? null,
              derived: false,
            },
            { ...input, actor, occurredAt },
          ),
        ],
      },
      { actor, sourceUrl: input.sourceUrl },
    );
  }

  /** Adds a party inside a caller's transaction (the import adds a table's participants). */
  async addPartyIn(
    log: LogWriter,
    input: AddPartyInput,
    actor: Principal,
  ): Promise<AgreementEntity> {
    const agreement = await lockForChange(
      log,
      input.agreementId,
      input.expectedVersion,
      this.cache,
    );
    const { party } = input;
    const closed = joinRefusal(agreement.stage);
    if (closed) {
      throw new DomainError(ErrorCode.INVALID_TRANSITION, `Cannot add ${party.code}: ${closed}.`, {
        stage: agreement.stage,
        partyCode: party.code,
        reason: closed,
      });
    }
    if (agreement.parties.some((candidate) => candidate.code === party.code)) {
      throw DomainError.badInput({
        'party.code': `${party.code} is already a party to this agreement`,
      });
    }
    const bodies = bodiesProblems([party], () => 'party');
    if (Object.keys(bodies).length > 0) {
      throw DomainError.badInput(bodies);
    }
    if (agreement.parties.length >= MAX_PARTIES) {
      throw DomainError.badInput({
        'party.code': `the agreement already has ${MAX_PARTIES} parties, the most it can have`,
      });
    }
    const occurredAt = input.occurredAt ?? new Date();
    const binding = registeredBinding(AgreementStage.NEGOTIATION, occurredAt);
    const approvalStatus = party.approvalRequired
      ? ApprovalStatus.PENDING
      : ApprovalStatus.NOT_REQUIRED;
    const position = Math.max(-1, ...agreement.parties.map((candidate) => candidate.position)) + 1;
    await insertInto(log.execute, 'party', [
      newPartyRow(agreement.id, party, position, approvalStatus, binding),
    ]);
    const [row] = await log.select('SELECT * FROM "party" WHERE "agreementId" = ? AND "code" = ?', [
      agreement.id,
      party.code,
    ]);
    const joined = withChanges(agreement, {}, [...agreement.parties, partyFrom(row, agreement.id)]);

    const ruleErrors = validateEntryIntoForceRule(joined.entryIntoForceRule, joined.parties);
    if (Object.keys(ruleErrors).length > 0) {
      // A share needs every party's weight: the rule decides what a new party must bring.
      throw DomainError.badInput(
        Object.fromEntries(
          Object.entries(ruleErrors).map(([field, message]) => [
            field.startsWith('entryIntoForce.share') ? 'party.weight' : field,
            message,
          ]),
        ),
      );
    }
    return commitChange(
      log,
      joined,
      {
        values: {},
        parties: new Map(),
        events: [
          {
            agreementId: agreement.id,
            type: AgreementEventType.PARTY_ADDED,
            occurredAt,
            actor: actor.name,
            note: input.note ?? null,
            sourceUrl: input.sourceUrl ?? null,
            partyCode: party.code,
            partyStatus: PartyStatus.NEGOTIATING,
          },
        ],
      },
      { actor, sourceUrl: input.sourceUrl },
    );
  }
}

/** The party of `code`, or NOT_FOUND naming the agreement's parties. */
function partyOf(agreement: AgreementEntity, code: string): PartyEntity {
  const party = agreement.parties.find((candidate) => candidate.code === code);
  if (!party) {
    const codes = agreement.parties.map((candidate) => candidate.code);
    const known =
      codes.length <= 20 ? `its parties are ${codes.join(', ')}` : `it has ${codes.length} parties`;
    throw new DomainError(
      ErrorCode.NOT_FOUND,
      `The agreement has no party ${code}; ${known}. A state that joins later is added with addParty.`,
    );
  }
  return party;
}
