import { Injectable } from '@nestjs/common';
import type { AgreementEntity } from '../agreements/entities/agreement.entity.js';
import { lockForChange } from '../agreements/agreement-writes.js';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/domain-error.js';
import { EventLog, type LogWriter } from '../events/event-log.service.js';
import { PartyAction } from '../workflow/index.js';
import { PartyActionsService } from './party-actions.service.js';
import { actionsInDateOrder, type StatusAction, type StatusRow } from './un-status-table.js';

/** What an import did. */
export interface ImportSummary {
  readonly agreement: AgreementEntity;
  /** Parties added (codes), in the order of the file. */
  readonly added: string[];
  /** Actions recorded now. */
  readonly recorded: number;
  /** Actions the agreement already had (an import run again). */
  readonly skipped: number;
}

const day = (date: Date | null) => date?.toISOString().slice(0, 10) ?? null;

/**
 * Loads a treaty's status table (`un-status-table.ts`) into an agreement, through the same service
 * and workflow as the API: each participant that is not a party yet is added (`addParty`), then
 * each signature and consent recorded (`recordPartyAction`) in date order, so that the clauses
 * make their moves on the way (ratification, entry into force, parties bound) as they would
 * have live. One transaction: a row the workflow refuses leaves the agreement as it was, and the
 * error names its line. An action the party already has (same kind, same day, same means) is
 * skipped, so that an import run twice records nothing the second time.
 */
@Injectable()
export class StatusImport {
  constructor(
    private readonly log: EventLog,
    private readonly parties: PartyActionsService,
  ) {}

  async load(
    agreementId: string,
    rows: readonly StatusRow[],
    actor: Principal,
  ): Promise<ImportSummary> {
    const summary = await this.log.write(async (log) => {
      let agreement = await lockForChange(log, agreementId, null, this.parties.cache);
      const added: string[] = [];
      for (const row of rows) {
        if (!agreement.parties.some((party) => party.code === row.code)) {
          const first = [row.signedAt, row.consentedAt].filter((date) => date !== null);
          agreement = await this.at(row.line, () =>
            this.parties.addPartyIn(
              log,
              {
                agreementId,
                party: { code: row.code, name: row.name, approvalRequired: false },
                occurredAt: first.length > 0 ? first[0] : null,
                note: `Imported from a status table (line ${row.line}).`,
              },
              actor,
            ),
          );
          added.push(row.code);
        }
      }
      let recorded = 0;
      let skipped = 0;
      for (const action of actionsInDateOrder(rows)) {
        if (alreadyRecorded(agreement, action)) {
          skipped += 1;
          continue;
        }
        agreement = await this.at(action.line, () => this.record(log, agreement, action, actor));
        recorded += 1;
      }
      return { agreement, added, recorded, skipped };
    });
    this.parties.cache.remember(summary.agreement);
    return summary;
  }

  private record(
    log: LogWriter,
    agreement: AgreementEntity,
    action: StatusAction,
    actor: Principal,
  ): Promise<AgreementEntity> {
    return this.parties.recordPartyActionIn(
      log,
      {
        agreementId: agreement.id,
        partyCode: action.code,
        action: action.action,
        means: action.means,
        occurredAt: action.occurredAt,
        note: `Imported from a status table (line ${action.line}).`,
      },
      actor,
    );
  }

  /** Runs a write for one line of the file; its refusal names that line. */
  private async at<T>(line: number, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof DomainError) {
        throw new DomainError(error.code, `line ${line}: ${error.message}`, error.details);
      }
      throw error;
    }
  }
}

/** Whether the party's record already holds this action (an import run again). */
function alreadyRecorded(agreement: AgreementEntity, action: StatusAction): boolean {
  const party = agreement.parties.find((candidate) => candidate.code === action.code);
  if (!party) {
    return false;
  }
  if (action.action === PartyAction.SIGN) {
    return day(party.signedAt) === day(action.occurredAt);
  }
  return day(party.consentedAt) === day(action.occurredAt) && party.consentMeans === action.means;
}
