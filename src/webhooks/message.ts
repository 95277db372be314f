import type { AgreementEventEntity } from '../events/entities/agreement-event.entity.js';
import type { EventNames } from '../events/event-names.js';
import { sentence } from '../events/event-sentence.js';

/**
 * The body of the message carrying one event (README, "Webhooks"), in the envelope the Standard
 * Webhooks specification recommends: `type`, `timestamp` and `data`. `data` is the event as the
 * GraphQL API shows it, with `text` (the event in a sentence), and the agreement and the party
 * as they are when the message is sent.
 */
export function messageBody(event: AgreementEventEntity, names: EventNames): string {
  const agreement = names.agreements.get(event.agreementId);
  const party = event.partyCode
    ? names.parties.get(`${event.agreementId} ${event.partyCode}`)
    : undefined;
  return JSON.stringify({
    type: event.type,
    timestamp: event.recordedAt.toISOString(),
    data: {
      cursor: event.cursor,
      sequence: event.sequence,
      agreementId: event.agreementId,
      type: event.type,
      action: event.action,
      fromStage: event.fromStage,
      toStage: event.toStage,
      partyCode: event.partyCode,
      approvalStatus: event.approvalStatus,
      votesFor: event.votesFor,
      votesAgainst: event.votesAgainst,
      abstentions: event.abstentions,
      body: event.body,
      stepKind: event.stepKind,
      yesPercent: event.yesPercent,
      turnoutPercent: event.turnoutPercent,
      binding: event.binding,
      partyApprovalStatus: event.partyApprovalStatus,
      attempt: event.attempt,
      partyAction: event.partyAction,
      partyStatus: event.partyStatus,
      consentMeans: event.consentMeans,
      reference: event.reference,
      occurredAt: event.occurredAt.toISOString(),
      recordedAt: event.recordedAt.toISOString(),
      actor: event.actor,
      note: event.note,
      sourceUrl: event.sourceUrl,
      changedFields: event.changedFields,
      text: sentence(event, names),
      agreement: agreement
        ? {
            id: event.agreementId,
            title: agreement.title,
            shortTitle: agreement.shortTitle,
            stage: agreement.stage,
          }
        : null,
      party:
        event.partyCode && party
          ? { code: event.partyCode, name: party.name, legislature: party.legislature }
          : null,
    },
  });
}
