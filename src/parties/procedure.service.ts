import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { PartyView } from '../agreements/party-view.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { Database } from '../database/database.service.js';
import type { AgreementEventEntity } from '../events/entities/agreement-event.entity.js';
import { eventFrom } from '../events/event-log.service.js';
import { bodiesOf, ProcedureStepKind } from '../workflow/index.js';
import type { ProcedureStep } from './models/procedure-step.model.js';

/** The most steps `Party.procedure` lists: a party's newest, oldest first. */
export const MAX_PROCEDURE_STEPS = 100;

/**
 * Each party's procedure as the log holds it (README, "Domestic procedures"): its APPROVAL_UPDATED
 * events, without the resets the server made (actor `system`, a reserved token name). Steps
 * recorded before bodies were have no body or kind on their event: they were VOTEs of the
 * party's one body, in its first attempt.
 */
@Injectable()
export class ProcedureService {
  constructor(private readonly db: Database) {}

  /** The procedures of every party asked for in one tick: one statement per 100 agreements. */
  private readonly byAgreement = new DataLoader<string, AgreementEventEntity[]>(
    async (agreementIds) => {
      const rows = await this.db.select(
        `SELECT * FROM (
           SELECT e.*, ROW_NUMBER() OVER (
             PARTITION BY e."agreementId", e."partyCode" ORDER BY e."sequence" DESC) AS "newest"
           FROM "agreement_event" e
           WHERE e."agreementId" IN (${agreementIds.map(() => '?').join(', ')})
             AND e."type" = 'APPROVAL_UPDATED' AND e."actor" <> ?
         ) AS steps
         WHERE "newest" <= ? ORDER BY "sequence"`,
        [...agreementIds, SYSTEM_ACTOR, MAX_PROCEDURE_STEPS],
      );
      const events = rows.map(eventFrom);
      return agreementIds.map((id) => events.filter((event) => event.agreementId === id));
    },
    { cache: false, maxBatchSize: 100 },
  );

  async procedureOf(party: PartyView): Promise<ProcedureStep[]> {
    const events = await this.byAgreement.load(party.agreementId);
    const firstBody = bodiesOf(party)[0];
    return events
      .filter((event) => event.partyCode === party.code)
      .map((event) => {
        const status = event.approvalStatus ?? party.approvalStatus;
        return {
          sequence: event.sequence,
          body: event.body ?? firstBody,
          kind: event.stepKind ?? ProcedureStepKind.VOTE,
          status,
          partyApprovalStatus: event.partyApprovalStatus ?? status,
          attempt: event.attempt ?? 1,
          votesFor: event.votesFor,
          votesAgainst: event.votesAgainst,
          abstentions: event.abstentions,
          yesPercent: event.yesPercent,
          turnoutPercent: event.turnoutPercent,
          binding: event.binding,
          occurredAt: event.occurredAt,
          note: event.note,
          sourceUrl: event.sourceUrl,
        };
      });
  }
}
