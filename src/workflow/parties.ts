import { DomainError, ErrorCode } from '../common/domain-error.js';
import { AgreementStage, ApprovalStatus, FINAL_STAGES } from './stages.js';
import type { PartyState } from './transitions.js';
import { withdrawalEffectiveAt as noticePeriodEnd } from './entry-into-force.js';

/**
 * Each party's path to being bound (docs/design.md §6). Domestic approval is not consent: a state is
 * bound only once it deposits or exchanges its instrument (VCLT arts 11-16, 24), so each party
 * has a status of its own beside its approval track. Values are the GraphQL enum values and the
 * stored strings.
 */
export enum PartyStatus {
  NEGOTIATING = 'NEGOTIATING',
  SIGNATORY = 'SIGNATORY',
  CONSENTED = 'CONSENTED',
  PARTY = 'PARTY',
  WITHDRAWING = 'WITHDRAWING',
  WITHDRAWN = 'WITHDRAWN',
  NOT_INTENDING = 'NOT_INTENDING',
}

/** What a person records for one party (`recordPartyAction`). */
export enum PartyAction {
  SIGN = 'SIGN',
  CONSENT = 'CONSENT',
  DECLARE_NOT_INTENDING = 'DECLARE_NOT_INTENDING',
  GIVE_WITHDRAWAL_NOTICE = 'GIVE_WITHDRAWAL_NOTICE',
  REVOKE_WITHDRAWAL_NOTICE = 'REVOKE_WITHDRAWAL_NOTICE',
  START_PROVISIONAL_APPLICATION = 'START_PROVISIONAL_APPLICATION',
  END_PROVISIONAL_APPLICATION = 'END_PROVISIONAL_APPLICATION',
}

/**
 * What the server does to a party when the treaty's own clauses say so; never requested. Named
 * as docs/design.md §6 names the scheduled moves (`ScheduledMoveKind`), so that a scheduled move and
 * the move it makes carry one name.
 */
export enum PartyMove {
  PARTY_IN_FORCE = 'PARTY_IN_FORCE',
  WITHDRAWAL_EFFECTIVE = 'WITHDRAWAL_EFFECTIVE',
}

/** How a state expressed its consent to be bound (VCLT arts 11-16). */
export enum ConsentMeans {
  RATIFICATION = 'RATIFICATION',
  ACCEPTANCE = 'ACCEPTANCE',
  APPROVAL = 'APPROVAL',
  ACCESSION = 'ACCESSION',
  SUCCESSION = 'SUCCESSION',
  DEFINITIVE_SIGNATURE = 'DEFINITIVE_SIGNATURE',
  NOTIFICATION = 'NOTIFICATION',
  EXCHANGE_OF_INSTRUMENTS = 'EXCHANGE_OF_INSTRUMENTS',
}

/** Statuses in the order a person reads the path; also the order of the `workflow` query. */
export const PARTY_STATUSES: readonly PartyStatus[] = Object.values(PartyStatus);

/**
 * The agreement stages in which party actions may be recorded: once it is SIGNED (opened for
 * signature) and until it is final. REJECTED is among them: it is one party's domestic no, and
 * under MANUAL the other states' signatures and instruments are still facts to record (the
 * rejecting party cannot CONSENT anyway, its guard wants APPROVED); outside MANUAL it is reached
 * only by an admin's explicit REJECT, who can WITHDRAW the agreement to close it. One rule, no
 * exception to explain.
 */
export const PARTY_ACTION_STAGES: ReadonlySet<AgreementStage> = new Set([
  AgreementStage.SIGNED,
  AgreementStage.PARLIAMENTARY_REVIEW,
  AgreementStage.RATIFIED,
  AgreementStage.IN_FORCE,
  AgreementStage.REJECTED,
]);

/** One party as the rules of being bound see it: its approval track and its path. */
export interface PartyBindingState extends PartyState {
  readonly status: PartyStatus;
  readonly signedAt: Date | null;
  readonly consentedAt: Date | null;
  readonly consentMeans: ConsentMeans | null;
  /** E.g. the depositary notification number of the instrument. */
  readonly consentReference: string | null;
  readonly inForceFrom: Date | null;
  readonly withdrawalNoticeAt: Date | null;
  readonly withdrawalEffectiveAt: Date | null;
  readonly provisionalApplicationFrom: Date | null;
  /** Real-world date of the party's last action or move: the next one may not be dated earlier. */
  readonly lastActionAt: Date | null;
}

/** What comes with a party action besides its name. */
export interface PartyActionInput {
  /** Required for CONSENT, refused with any other action. */
  readonly means?: ConsentMeans | null;
  /** Carried by the event of any action; stored as `consentReference` by CONSENT. */
  readonly reference?: string | null;
  /**
   * For GIVE_WITHDRAWAL_NOTICE only: the later date the notice itself names for its effect
   * (Paris Agreement art 28(2) allows one); by default `withdrawalNoticeMonths` after the notice.
   */
  readonly withdrawalEffectiveAt?: Date | null;
  /**
   * The agreement's notice period (VCLT art 56(2)): a notice takes effect that many calendar
   * months after it, or later, never sooner. Without it, only "after the notice" is checked.
   */
  readonly withdrawalNoticeMonths?: number | null;
  /**
   * The day the condition of entry into force was met, once it ratified the agreement: a consent
   * dated before it, recorded after, is refused, since the log never rewrites a derived move.
   */
  readonly conditionMetAt?: Date | null;
  /** Real-world date of the action. */
  readonly occurredAt: Date;
}

export interface PartyGuard {
  /** The condition in words, as the `workflow` query and the README show it. */
  readonly description: string;
  /**
   * Why the guard fails for this party now, or null when it holds. Without `means` (as for
   * `availablePartyActions`), only what does not depend on the means is checked.
   */
  readonly refusal: (party: PartyBindingState, means?: ConsentMeans | null) => string | null;
}

interface PartyRow {
  readonly from: readonly PartyStatus[];
  /** The same status as `from` for the provisional-application rows, which change no status. */
  readonly to: PartyStatus;
  readonly guard?: PartyGuard;
}

/** A requestable action, or a move the server makes (`derived`), with when it makes it. */
export type PartyTransition =
  | (PartyRow & { readonly action: PartyAction; readonly derived?: false })
  | (PartyRow & { readonly action: PartyMove; readonly derived: true; readonly when: string });

const day = (date: Date) => date.toISOString().slice(0, 10);

const approvedFirst: PartyGuard = {
  description:
    'a party with approvalRequired is APPROVED; DEFINITIVE_SIGNATURE only by a party that has not signed',
  refusal: (party, means) => {
    if (party.approvalRequired && party.approvalStatus !== ApprovalStatus.APPROVED) {
      return `${party.code} needs its legislature's approval first, and its approval is ${party.approvalStatus}`;
    }
    // A definitive signature is a signature: a state that has signed, or was once bound, cannot
    // make one again, and expresses consent by the instrument its signature called for.
    if (means === ConsentMeans.DEFINITIVE_SIGNATURE && party.status !== PartyStatus.NEGOTIATING) {
      return `DEFINITIVE_SIGNATURE signs and consents at once, and ${party.code} is already ${party.status}: record its instrument (RATIFICATION, ACCEPTANCE, APPROVAL, ACCESSION, ...)`;
    }
    return null;
  },
};

const notApplyingYet: PartyGuard = {
  description: 'not already applying it provisionally',
  refusal: (party) =>
    party.provisionalApplicationFrom
      ? `${party.code} has applied it provisionally since ${day(party.provisionalApplicationFrom)}`
      : null,
};

const applying: PartyGuard = {
  description: 'applying it provisionally',
  refusal: (party) =>
    party.provisionalApplicationFrom ? null : `${party.code} is not applying it provisionally`,
};

/** VCLT art 25: provisional application is for a state not (yet) bound by the treaty. */
const PROVISIONAL: readonly PartyStatus[] = [
  PartyStatus.NEGOTIATING,
  PartyStatus.SIGNATORY,
  PartyStatus.CONSENTED,
];

/**
 * The party table: the single source for enforcement (`partyTransition`, `partyMove`),
 * `availablePartyActions`, the `workflow` query (`Workflow.partyTransitions`) and the diagram.
 * docs/design.md §6 is its specification; where it is silent:
 * - CONSENT from NOT_INTENDING: a declaration under VCLT art 18 only ends the signatory's interim
 *   obligation; it does not bar a later instrument (states have ratified after such a
 *   declaration, and a depositary records what is deposited).
 * - GIVE_WITHDRAWAL_NOTICE only from PARTY: a withdrawal clause (VCLT arts 54, 56) runs against a
 *   treaty in force for the state, and REVOKE_WITHDRAWAL_NOTICE can then return it to PARTY
 *   unambiguously; taking back an instrument before it binds is another act, not modelled here.
 * - START_PROVISIONAL_APPLICATION also from NEGOTIATING: VCLT art 25 lets the states agree on it
 *   "in some other manner", so a state that has not signed may apply a treaty provisionally by
 *   declaration (ILC Guide to Provisional Application, guideline 4). DECLARE_NOT_INTENDING ends
 *   it (art 25(2)), and so does PARTY_IN_FORCE: the treaty then applies for good.
 */
export const PARTY_TRANSITIONS: readonly PartyTransition[] = [
  { action: PartyAction.SIGN, from: [PartyStatus.NEGOTIATING], to: PartyStatus.SIGNATORY },
  {
    action: PartyAction.CONSENT,
    from: [
      PartyStatus.NEGOTIATING,
      PartyStatus.SIGNATORY,
      PartyStatus.NOT_INTENDING,
      PartyStatus.WITHDRAWN,
    ],
    to: PartyStatus.CONSENTED,
    guard: approvedFirst,
  },
  {
    action: PartyAction.DECLARE_NOT_INTENDING,
    from: [PartyStatus.SIGNATORY],
    to: PartyStatus.NOT_INTENDING,
  },
  {
    action: PartyMove.PARTY_IN_FORCE,
    from: [PartyStatus.CONSENTED],
    to: PartyStatus.PARTY,
    derived: true,
    when: 'the agreement is in force for it: its entry into force, or the party’s own later date',
  },
  {
    action: PartyAction.GIVE_WITHDRAWAL_NOTICE,
    from: [PartyStatus.PARTY],
    to: PartyStatus.WITHDRAWING,
  },
  {
    action: PartyAction.REVOKE_WITHDRAWAL_NOTICE,
    from: [PartyStatus.WITHDRAWING],
    to: PartyStatus.PARTY,
  },
  {
    action: PartyMove.WITHDRAWAL_EFFECTIVE,
    from: [PartyStatus.WITHDRAWING],
    to: PartyStatus.WITHDRAWN,
    derived: true,
    when: 'withdrawalNoticeMonths after the notice, or the later date the notice names',
  },
  ...PROVISIONAL.map((status) => ({
    action: PartyAction.START_PROVISIONAL_APPLICATION,
    from: [status],
    to: status,
    guard: notApplyingYet,
  })),
  ...PROVISIONAL.map((status) => ({
    action: PartyAction.END_PROVISIONAL_APPLICATION,
    from: [status],
    to: status,
    guard: applying,
  })),
];

const ACTIONS: ReadonlySet<string> = new Set(Object.values(PartyAction));
const MOVES: ReadonlySet<string> = new Set(Object.values(PartyMove));
const MEANS: ReadonlySet<string> = new Set(Object.values(ConsentMeans));

/** The rows of `action`, one per status it may start from (START/END have one per status). */
function rowsOf(action: PartyAction | PartyMove): PartyTransition[] {
  return PARTY_TRANSITIONS.filter((row) => row.action === action);
}

function rowFrom(action: PartyAction | PartyMove, status: PartyStatus) {
  return rowsOf(action).find((row) => row.from.includes(status));
}

/** Why no party action is possible in this agreement stage, or null when they are. */
function stageRefusal(stage: AgreementStage): string | null {
  if (PARTY_ACTION_STAGES.has(stage)) {
    return null;
  }
  return FINAL_STAGES.has(stage)
    ? `the agreement is ${stage}, a final stage`
    : `party actions are possible once the agreement is SIGNED, and it is ${stage}`;
}

/**
 * The actions the party may take now: the agreement's stage allows party actions, the row starts
 * at the party's status and its guard holds (without a means, so CONSENT is listed when some
 * means would do). Derived moves are never listed: nobody requests them.
 */
export function availablePartyActions(
  agreementStage: AgreementStage,
  party: PartyBindingState,
): PartyAction[] {
  if (stageRefusal(agreementStage)) {
    return [];
  }
  const actions = PARTY_TRANSITIONS.filter(
    (row) => !row.derived && row.from.includes(party.status) && !row.guard?.refusal(party),
  ).map((row) => row.action as PartyAction);
  return [...new Set(actions)];
}

/**
 * Performs `action` for `party` as of `input.occurredAt`: the party's next state, or a
 * DomainError. INVALID_TRANSITION (with `partyCode`, `partyStatus`, `partyAction`, `reason`) when
 * the agreement's stage, the table or a guard refuses, or the action is a derived move;
 * BAD_USER_INPUT, naming each bad field, for CONSENT without a `means`, a `means` (or a
 * `withdrawalEffectiveAt`) given to another action, or an `occurredAt` before the party's last
 * action, before the agreement was signed (`agreementSignedAt`; null when the record does not
 * know, as for an agreement registered at a later stage), before a CONSENT's domestic approval,
 * or, for a revocation, not before the withdrawal takes effect (VCLT art 68). Pure: the input is
 * not modified. Dates of entry into force and of a withdrawal's effect are the caller's.
 */
export function partyTransition(
  agreementStage: AgreementStage,
  agreementSignedAt: Date | null,
  party: PartyBindingState,
  action: PartyAction,
  input: PartyActionInput,
): PartyBindingState {
  if (MOVES.has(action)) {
    const move = rowsOf(action)[0] as Extract<PartyTransition, { derived: true }>;
    throw invalidPartyAction(
      party,
      action,
      `${action} is made by the server when ${move.when}, never requested`,
    );
  }
  if (!ACTIONS.has(action)) {
    throw DomainError.badInput({ action: `${String(action)} is not a party action` });
  }
  const stageProblem = stageRefusal(agreementStage);
  if (stageProblem) {
    throw invalidPartyAction(party, action, stageProblem);
  }
  const row = rowFrom(action, party.status);
  if (!row) {
    const from = rowsOf(action).flatMap((candidate) => candidate.from);
    throw invalidPartyAction(
      party,
      action,
      `${action} is possible only for a party that is ${from.join(' or ')}`,
    );
  }
  const refusal = row.guard?.refusal(party, input.means);
  if (refusal) {
    throw invalidPartyAction(party, action, refusal);
  }
  const problems = inputProblems(agreementSignedAt, party, action, input);
  if (Object.keys(problems).length > 0) {
    throw DomainError.badInput(problems);
  }
  return {
    ...party,
    ...effects(party, action, input),
    status: row.to,
    lastActionAt: input.occurredAt,
  };
}

/** What each action records besides the status. */
function effects(
  party: PartyBindingState,
  action: PartyAction,
  { means, reference, withdrawalEffectiveAt, withdrawalNoticeMonths, occurredAt }: PartyActionInput,
): Partial<PartyBindingState> {
  switch (action) {
    case PartyAction.SIGN:
      return { signedAt: occurredAt };
    case PartyAction.CONSENT:
      return {
        signedAt: means === ConsentMeans.DEFINITIVE_SIGNATURE ? occurredAt : party.signedAt,
        consentedAt: occurredAt,
        consentMeans: means ?? null,
        consentReference: reference ?? null,
        // A state that rejoins is bound from its own later date (§6); the dates of its earlier
        // membership stay in the event log, not on the party.
        inForceFrom: null,
        withdrawalNoticeAt: null,
        withdrawalEffectiveAt: null,
      };
    case PartyAction.DECLARE_NOT_INTENDING:
      // VCLT art 25(2): provisional application ends with a notified intention not to be bound.
      return { provisionalApplicationFrom: null };
    case PartyAction.GIVE_WITHDRAWAL_NOTICE:
      return {
        withdrawalNoticeAt: occurredAt,
        withdrawalEffectiveAt:
          withdrawalEffectiveAt ?? noticeEnd(occurredAt, withdrawalNoticeMonths) ?? null,
      };
    case PartyAction.REVOKE_WITHDRAWAL_NOTICE:
      return { withdrawalNoticeAt: null, withdrawalEffectiveAt: null };
    case PartyAction.START_PROVISIONAL_APPLICATION:
      return { provisionalApplicationFrom: occurredAt };
    case PartyAction.END_PROVISIONAL_APPLICATION:
      return { provisionalApplicationFrom: null };
    default: {
      const unhandled: never = action;
      throw new Error(`No effects for party action ${String(unhandled)}`);
    }
  }
}

/** The bad fields of the request, each with its message (empty when there is none). */
function inputProblems(
  agreementSignedAt: Date | null,
  party: PartyBindingState,
  action: PartyAction,
  {
    means,
    withdrawalEffectiveAt,
    withdrawalNoticeMonths,
    conditionMetAt,
    occurredAt,
  }: PartyActionInput,
): Record<string, string> {
  const problems: Record<string, string> = {};
  if (action === PartyAction.CONSENT) {
    if (means === undefined || means === null) {
      problems.means = `CONSENT needs the means of consent: one of ${[...MEANS].join(', ')}`;
    } else if (!MEANS.has(means)) {
      problems.means = `${String(means)} is not a means of consent; use one of ${[...MEANS].join(', ')}`;
    }
  } else if (means !== undefined && means !== null) {
    problems.means = `a means of consent goes with CONSENT only, not with ${action}`;
  }
  if (action !== PartyAction.GIVE_WITHDRAWAL_NOTICE && withdrawalEffectiveAt) {
    problems.withdrawalEffectiveAt = `goes with GIVE_WITHDRAWAL_NOTICE only, not with ${action}`;
  }

  const tooEarly = (earliest: Date | null, what: string) =>
    earliest && occurredAt.getTime() < earliest.getTime()
      ? `${occurredAt.toISOString()} is before ${what} (${earliest.toISOString()})`
      : null;
  const dateProblem =
    (action === PartyAction.CONSENT &&
    conditionMetAt &&
    occurredAt.getTime() < conditionMetAt.getTime()
      ? `${occurredAt.toISOString()} is before the day the condition of entry into force was met (${conditionMetAt.toISOString().slice(0, 10)}), which this consent would have changed: record consents in date order`
      : null) ??
    tooEarly(agreementSignedAt, 'the agreement was signed') ??
    tooEarly(party.lastActionAt, `${party.code}'s last action`) ??
    (action === PartyAction.CONSENT && party.approvalRequired
      ? tooEarly(party.approvalUpdatedAt, `${party.code}'s approval`)
      : null) ??
    (action === PartyAction.REVOKE_WITHDRAWAL_NOTICE &&
    party.withdrawalEffectiveAt &&
    occurredAt.getTime() >= party.withdrawalEffectiveAt.getTime()
      ? `${occurredAt.toISOString()} is not before the withdrawal takes effect (${party.withdrawalEffectiveAt.toISOString()}); a notice can be revoked only until then`
      : null);
  if (dateProblem) {
    problems.occurredAt = dateProblem;
  }
  const earliest = noticeEnd(occurredAt, withdrawalNoticeMonths);
  if (action === PartyAction.GIVE_WITHDRAWAL_NOTICE && withdrawalEffectiveAt) {
    if (earliest && withdrawalEffectiveAt.getTime() < earliest.getTime()) {
      problems.withdrawalEffectiveAt = `${withdrawalEffectiveAt.toISOString()} is before the notice period of ${withdrawalNoticeMonths} months ends (${earliest.toISOString()}); a notice may name a later date, not an earlier one`;
    } else if (withdrawalEffectiveAt.getTime() <= occurredAt.getTime()) {
      problems.withdrawalEffectiveAt = `${withdrawalEffectiveAt.toISOString()} is not after the notice (${occurredAt.toISOString()})`;
    }
  }
  return problems;
}

/** When a notice given at `noticeAt` takes effect at the earliest, if the period is known. */
function noticeEnd(noticeAt: Date, months: number | null | undefined): Date | null {
  return months == null ? null : noticePeriodEnd(noticeAt, months);
}

/**
 * Why a state cannot join an agreement in this stage (`addParty`), or null: it can until the
 * agreement is final.
 */
export function joinRefusal(stage: AgreementStage): string | null {
  return FINAL_STAGES.has(stage) ? `the agreement is ${stage}, a final stage` : null;
}

/**
 * Makes a derived move as of `at`, the date the treaty's clause gives (actor `system`):
 * PARTY_IN_FORCE records `inForceFrom` and ends provisional application, since the treaty now
 * applies for good; WITHDRAWAL_EFFECTIVE records `withdrawalEffectiveAt`. The caller decides
 * that the move is due, whatever the agreement's stage; only the party's status is checked
 * (INVALID_TRANSITION otherwise). `at` comes from the clause, not from a person, so it is not
 * refused for its order; the party's next action counts from the later of it and the last one.
 */
export function partyMove(party: PartyBindingState, move: PartyMove, at: Date): PartyBindingState {
  const row = rowFrom(move, party.status);
  if (!row) {
    const from = rowsOf(move).flatMap((candidate) => candidate.from);
    throw invalidPartyAction(
      party,
      move,
      `${move} applies only to a party that is ${from.join(' or ')}`,
    );
  }
  const lastActionAt =
    party.lastActionAt && party.lastActionAt.getTime() > at.getTime() ? party.lastActionAt : at;
  const recorded: Partial<PartyBindingState> =
    move === PartyMove.PARTY_IN_FORCE
      ? { inForceFrom: at, provisionalApplicationFrom: null }
      : { withdrawalEffectiveAt: at };
  return { ...party, ...recorded, status: row.to, lastActionAt };
}

/**
 * The party table as a Mermaid `stateDiagram-v2`, in the shape of `workflowDiagram`: one arrow
 * per row and source status, guarded rows with a `*`, derived moves marked `(derived)`. No status
 * is final: a WITHDRAWN or NOT_INTENDING state may still consent.
 */
export function partyDiagram(): string {
  const lines = ['stateDiagram-v2', `    [*] --> ${PARTY_STATUSES[0]}`];
  for (const row of PARTY_TRANSITIONS) {
    const mark = row.derived ? ' (derived)' : row.guard ? ' *' : '';
    for (const from of row.from) {
      lines.push(`    ${from} --> ${row.to}: ${row.action}${mark}`);
    }
  }
  return lines.join('\n');
}

function invalidPartyAction(
  party: PartyBindingState,
  action: PartyAction | PartyMove,
  reason: string,
): DomainError {
  return new DomainError(
    ErrorCode.INVALID_TRANSITION,
    `Cannot ${action} for ${party.code} (${party.status}): ${reason}.`,
    { partyCode: party.code, partyStatus: party.status, partyAction: action, reason },
  );
}
