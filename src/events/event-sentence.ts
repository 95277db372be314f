import { DEFAULT_BODY, PartyAction, ProcedureStepKind } from '../workflow/index.js';
import {
  AgreementEventType,
  type AgreementEventEntity,
} from './entities/agreement-event.entity.js';

/**
 * An event in words, for people: the title of Atom entries and the `text` of webhook messages
 * (README, "Feeds" and "Webhooks").
 */

/** What a sentence says of an event's agreement and party (read by event-names.ts). */
export interface Names {
  readonly agreements: ReadonlyMap<string, { title: string; shortTitle: string | null }>;
  /** By `${agreementId} ${code}`. */
  readonly parties: ReadonlyMap<string, { name: string; legislature: string | null }>;
}

/** `PARLIAMENTARY_REVIEW` → `parliamentary review`. */
const words = (value: string | null | undefined) => (value ?? '').toLowerCase().replace(/_/g, ' ');

const PARTY_ACTIONS: Record<string, string> = {
  SIGN: 'signed it',
  CONSENT: 'consented to be bound',
  DECLARE_NOT_INTENDING: 'declared it does not intend to become a party',
  GIVE_WITHDRAWAL_NOTICE: 'gave notice of withdrawal',
  REVOKE_WITHDRAWAL_NOTICE: 'revoked its notice of withdrawal',
  START_PROVISIONAL_APPLICATION: 'began applying it provisionally',
  END_PROVISIONAL_APPLICATION: 'stopped applying it provisionally',
  PARTY_IN_FORCE: 'is bound: it is in force for it',
  WITHDRAWAL_EFFECTIVE: 'has withdrawn: its withdrawal took effect',
};

const APPROVALS: Record<string, string> = {
  PENDING: 'has it pending',
  SUBMITTED: 'received it for approval',
  IN_COMMITTEE: 'sent it to committee',
  COMMITTEE_APPROVED: 'approved it in committee',
  APPROVED: 'approved it',
  REJECTED: 'rejected it',
  NOT_REQUIRED: 'need not approve it',
};

/**
 * One sentence a reader understands, naming the agreement and the party: "11th SMA: the National
 * Assembly of KR approved it, 179 for, 2 against, 6 abstaining."
 */
export function sentence(event: AgreementEventEntity, names: Names): string {
  const agreement = names.agreements.get(event.agreementId);
  const title = agreement?.shortTitle ?? agreement?.title ?? 'An agreement';
  const party = event.partyCode
    ? names.parties.get(`${event.agreementId} ${event.partyCode}`)
    : undefined;
  const partyName = party ? `${party.name} (${event.partyCode})` : (event.partyCode ?? '');
  switch (event.type) {
    case AgreementEventType.AGREEMENT_CREATED:
      return `${title}: registered, at ${words(event.toStage)}.`;
    case AgreementEventType.STAGE_CHANGED:
      return `${title}: ${words(event.fromStage)} → ${words(event.toStage)} (${words(event.action)}).`;
    case AgreementEventType.DETAILS_UPDATED:
      return `${title}: details updated${event.changedFields?.length ? ` (${event.changedFields.join(', ')})` : ''}.`;
    case AgreementEventType.PARTY_ADDED:
      return `${title}: ${partyName} joined the parties.`;
    case AgreementEventType.PARTY_UPDATED: {
      const means =
        event.partyAction === PartyAction.CONSENT && event.consentMeans
          ? ` by ${words(event.consentMeans)}`
          : '';
      const reference = event.reference ? ` (${event.reference})` : '';
      const action = PARTY_ACTIONS[event.partyAction ?? ''] ?? words(event.partyAction);
      return `${title}: ${partyName} ${action}${means}${reference}.`;
    }
    case AgreementEventType.APPROVAL_UPDATED: {
      // A party with no legislature named has the body DEFAULT_BODY: say the party instead.
      const body = event.body && event.body !== DEFAULT_BODY ? event.body : party?.legislature;
      const referendum = event.stepKind === ProcedureStepKind.REFERENDUM;
      const who = referendum
        ? `the ${event.binding === false ? 'advisory ' : ''}referendum in ${partyName}`
        : body
          ? `the ${body} of ${event.partyCode}`
          : partyName;
      const figures = [
        event.votesFor != null ? `${event.votesFor} for` : '',
        event.votesAgainst != null ? `${event.votesAgainst} against` : '',
        event.abstentions != null ? `${event.abstentions} abstaining` : '',
        event.yesPercent != null ? `${event.yesPercent}% yes` : '',
        event.turnoutPercent != null ? `turnout ${event.turnoutPercent}%` : '',
      ].filter(Boolean);
      const status = APPROVALS[event.approvalStatus ?? ''] ?? words(event.approvalStatus);
      const attempt = (event.attempt ?? 1) > 1 ? ` (attempt ${event.attempt})` : '';
      return `${title}: ${who} ${status}${figures.length ? `, ${figures.join(', ')}` : ''}${attempt}.`;
    }
    default:
      return `${title}: ${words(event.type)}.`;
  }
}
