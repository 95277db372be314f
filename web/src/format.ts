/**
 * How the app words and dates what the API returns. Pure: no DOM, no lit-html, so that specs
 * run it in Node (test/web/format.spec.ts).
 */

/** A link the API stored as a source: http(s) only, so that no script URL reaches a page. */
export function safeUrl(url: string): string {
  return /^https?:\/\//i.test(url) ? url : '#';
}

/** `PARLIAMENTARY_REVIEW` → `Parliamentary review`. */
export function label(value: string | null | undefined): string {
  if (!value) {
    return '';
  }
  const words = value.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A legal date: the calendar day the API names, in the reader's locale, never moved by the
 * reader's time zone (an instrument deposited on 5 October is dated 5 October everywhere).
 */
export function legalDate(iso: string | null | undefined, locale?: string): string {
  return iso ? formatter('legal', locale).format(new Date(iso)) : '';
}

/** The moment a change was recorded, in the reader's own time zone. */
export function moment(iso: string | null | undefined, locale?: string): string {
  return iso ? formatter('moment', locale).format(new Date(iso)) : '';
}

/** Made once per kind and locale: a page of 200 parties formats a thousand dates. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: 'legal' | 'moment', locale?: string): Intl.DateTimeFormat {
  const key = `${kind} ${locale ?? ''}`;
  let made = formatters.get(key);
  if (!made) {
    made = new Intl.DateTimeFormat(
      locale,
      kind === 'legal'
        ? { dateStyle: 'medium', timeZone: 'UTC' }
        : { dateStyle: 'medium', timeStyle: 'short' },
    );
    formatters.set(key, made);
  }
  return made;
}

/** An event of the log, as the API returns it to the app. */
export interface LoggedEvent {
  sequence: number;
  cursor: string;
  agreementId?: string;
  type: string;
  action?: string | null;
  fromStage?: string | null;
  toStage?: string | null;
  partyCode?: string | null;
  partyAction?: string | null;
  partyStatus?: string | null;
  approvalStatus?: string | null;
  consentMeans?: string | null;
  reference?: string | null;
  votesFor?: number | null;
  votesAgainst?: number | null;
  abstentions?: number | null;
  changedFields?: string[] | null;
  /** APPROVAL_UPDATED: the body whose step it is (null for a reset, and for older steps). */
  body?: string | null;
  stepKind?: string | null;
  yesPercent?: number | null;
  turnoutPercent?: number | null;
  binding?: boolean | null;
  /** APPROVAL_UPDATED: the party's status after it (`approvalStatus` is its body's). */
  partyApprovalStatus?: string | null;
  attempt?: number | null;
  occurredAt: string;
  recordedAt?: string;
  actor: string;
  note?: string | null;
  sourceUrl?: string | null;
}

const PARTY_ACTIONS: Record<string, string> = {
  SIGN: 'signed',
  CONSENT: 'consented to be bound',
  DECLARE_NOT_INTENDING: 'declared it does not intend to become a party',
  GIVE_WITHDRAWAL_NOTICE: 'gave notice of withdrawal',
  REVOKE_WITHDRAWAL_NOTICE: 'revoked its notice of withdrawal',
  START_PROVISIONAL_APPLICATION: 'began applying it provisionally',
  END_PROVISIONAL_APPLICATION: 'stopped applying it provisionally',
  PARTY_IN_FORCE: 'is bound: the agreement is in force for it',
  WITHDRAWAL_EFFECTIVE: 'has withdrawn: its withdrawal took effect',
};

/** What a body did, as the server words it (src/events/event-sentence.ts). */
const APPROVALS: Record<string, string> = {
  PENDING: 'has it pending',
  SUBMITTED: 'received it for approval',
  IN_COMMITTEE: 'sent it to committee',
  COMMITTEE_APPROVED: 'approved it in committee',
  APPROVED: 'approved it',
  REJECTED: 'rejected it',
  NOT_REQUIRED: 'need not approve it',
};

/** The body the server gives a party with no legislature named (src/workflow/procedure.ts). */
export const DEFAULT_BODY = 'Legislature';

interface Figures {
  votesFor?: number | null;
  votesAgainst?: number | null;
  abstentions?: number | null;
  yesPercent?: number | null;
  turnoutPercent?: number | null;
}

/** `179 for, 2 against, 6 abstaining`, or '' without a tally. */
export function tally(event: Figures): string {
  const parts = [
    event.votesFor != null ? `${event.votesFor} for` : '',
    event.votesAgainst != null ? `${event.votesAgainst} against` : '',
    event.abstentions != null ? `${event.abstentions} abstaining` : '',
  ];
  return parts.filter(Boolean).join(', ');
}

/** A step's tally, or a referendum's `67.1% yes, turnout 59%`; '' when it has neither. */
export function figures(step: Figures): string {
  return [
    tally(step),
    step.yesPercent != null ? `${step.yesPercent}% yes` : '',
    step.turnoutPercent != null ? `turnout ${step.turnoutPercent}%` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** One recorded step of a party's domestic procedure (`Party.procedure`). */
export interface ProcedureStep extends Figures {
  sequence: number;
  body: string;
  kind: string;
  status: string;
  partyApprovalStatus: string;
  attempt: number;
  binding: boolean | null;
  occurredAt: string;
  note: string | null;
  sourceUrl: string | null;
}

/** The kind of a step in words: `Vote`, `Court review`, `Advisory referendum`. */
export function stepKind(step: { kind: string; binding?: boolean | null }): string {
  return step.kind === 'REFERENDUM' && step.binding === false
    ? 'Advisory referendum'
    : label(step.kind);
}

/** What a step did, with its figures: `Vote: approved, 350 for, 58 against, 2 abstaining`. */
export function describeStep(step: ProcedureStep): string {
  const counted = figures(step);
  return `${stepKind(step)}: ${label(step.status).toLowerCase()}${counted ? `, ${counted}` : ''}`;
}

/** What the page knows of a party, to name it in a sentence. */
export interface NamedParty {
  name: string;
  legislature?: string | null;
}

/**
 * One sentence a reader understands: "The National Assembly of KR approved it, 179 for, 2
 * against, 6 abstaining." A party is named by `partyOf` where the page knows it, by its code
 * otherwise. A step of a domestic procedure is worded as the server words it for feeds and
 * webhooks (src/events/event-sentence.ts), without the agreement's title, which the page shows.
 */
export function describe(
  event: LoggedEvent,
  partyOf: (code: string) => NamedParty | undefined = () => undefined,
): string {
  const known = event.partyCode ? partyOf(event.partyCode) : undefined;
  const party = event.partyCode ? (known?.name ?? event.partyCode) : '';
  switch (event.type) {
    case 'AGREEMENT_CREATED':
      return `Registered at ${label(event.toStage)}.`;
    case 'STAGE_CHANGED':
      return `${label(event.fromStage)} → ${label(event.toStage)} (${label(event.action)}).`;
    case 'DETAILS_UPDATED':
      return `Details updated${event.changedFields?.length ? `: ${event.changedFields.join(', ')}` : ''}.`;
    case 'PARTY_ADDED':
      return `${party} joined the parties.`;
    case 'PARTY_UPDATED': {
      const means =
        event.partyAction === 'CONSENT' && event.consentMeans
          ? ` by ${label(event.consentMeans).toLowerCase()}`
          : '';
      const action = PARTY_ACTIONS[event.partyAction ?? ''] ?? label(event.partyAction);
      return `${party} ${action}${means}.`;
    }
    case 'APPROVAL_UPDATED': {
      // A party with no legislature named has the body DEFAULT_BODY: say the party instead.
      const body = event.body && event.body !== DEFAULT_BODY ? event.body : known?.legislature;
      const who =
        event.stepKind === 'REFERENDUM'
          ? `the ${event.binding === false ? 'advisory ' : ''}referendum in ${party}`
          : body
            ? `the ${body} of ${event.partyCode}`
            : party;
      const counted = figures(event);
      const status = APPROVALS[event.approvalStatus ?? ''] ?? label(event.approvalStatus);
      const attempt = (event.attempt ?? 1) > 1 ? ` (attempt ${event.attempt})` : '';
      const said = `${who} ${status}${counted ? `, ${counted}` : ''}${attempt}.`;
      return said.charAt(0).toUpperCase() + said.slice(1);
    }
    default:
      return label(event.type);
  }
}

/** The entry-into-force clause in words. */
export function describeRule(rule: {
  kind: string;
  instruments?: number | null;
  share?: number | null;
  requiredParties?: string[] | null;
  daysAfter?: number | null;
  monthStart?: boolean | null;
  date?: string | null;
}): string {
  const delay = rule.monthStart
    ? `on the first day of the month after ${rule.daysAfter ?? 0} days`
    : rule.daysAfter
      ? `${rule.daysAfter} days later`
      : 'on that day';
  switch (rule.kind) {
    case 'ALL_PARTIES':
      return `In force once every party has consented, ${delay}.`;
    case 'THRESHOLD': {
      const conditions = [`${rule.instruments ?? 0} instruments of consent`];
      if (rule.share != null) {
        conditions.push(`parties weighing ${rule.share}% in all`);
      }
      if (rule.requiredParties?.length) {
        conditions.push(`including ${rule.requiredParties.join(', ')}`);
      }
      return `In force after ${conditions.join(', ')}, ${delay}.`;
    }
    case 'FIXED_DATE':
      return `In force on ${legalDate(rule.date)} once ratified.`;
    default:
      return 'In force when an administrator records it, once ratified.';
  }
}
