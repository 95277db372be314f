import { ApprovalStatus } from './stages.js';
import { APPROVAL_STEPS, FINAL_APPROVAL_STATUSES, REJECTABLE_FROM } from './transitions.js';

/**
 * A party's domestic procedure (docs/design.md §9): one or more bodies in order (the State Duma,
 * then the Federation Council), each with the approval track of docs/design.md §1, and steps of
 * several kinds. The party's approval status summarises its bodies: APPROVED once the last body
 * has approved, REJECTED when a body has rejected, otherwise the status of the body that holds
 * it now (SUBMITTED when an earlier body has just passed it on). Since bodies act in order, the
 * body that holds it (`approvalBody`) and the party's status are the whole state: the bodies
 * before it have approved, the ones after it have not begun.
 */

/** What a step is. Values are the GraphQL enum values and the stored strings. */
export enum ProcedureStepKind {
  VOTE = 'VOTE',
  REFERENDUM = 'REFERENDUM',
  EXECUTIVE_DECISION = 'EXECUTIVE_DECISION',
  COURT_REVIEW = 'COURT_REVIEW',
  PROMULGATION = 'PROMULGATION',
}

export interface StepKindRule {
  readonly kind: ProcedureStepKind;
  /** The statuses a step of this kind may record. */
  readonly statuses: readonly ApprovalStatus[];
  /** Does it carry votesFor, votesAgainst, abstentions? */
  readonly tallies: boolean;
  /** Does its result carry yesPercent and turnoutPercent (and may it be non-binding)? */
  readonly figures: boolean;
}

/** A decision: referred to the body, then approved or rejected; no committee stage. */
const DECISION = [ApprovalStatus.SUBMITTED, ApprovalStatus.APPROVED, ApprovalStatus.REJECTED];

/** The kinds of step, in the order the `workflow` query lists them. */
export const STEP_KINDS: readonly StepKindRule[] = [
  {
    kind: ProcedureStepKind.VOTE,
    statuses: APPROVAL_STEPS.slice(1).concat(ApprovalStatus.REJECTED),
    tallies: true,
    figures: false,
  },
  { kind: ProcedureStepKind.REFERENDUM, statuses: DECISION, tallies: false, figures: true },
  {
    kind: ProcedureStepKind.EXECUTIVE_DECISION,
    statuses: DECISION,
    tallies: false,
    figures: false,
  },
  { kind: ProcedureStepKind.COURT_REVIEW, statuses: DECISION, tallies: false, figures: false },
  { kind: ProcedureStepKind.PROMULGATION, statuses: DECISION, tallies: false, figures: false },
];

const KIND_RULES = new Map(STEP_KINDS.map((rule) => [rule.kind, rule]));

/** The most bodies a procedure may name: more than any constitution asks for. */
export const MAX_BODIES = 10;

/** The body a party has when none are given: its legislature, or this. */
export const DEFAULT_BODY = 'Legislature';

/** The part of a party its procedure depends on. */
export interface ProcedureParty {
  readonly code: string;
  readonly approvalRequired: boolean;
  readonly approvalStatus: ApprovalStatus;
  /** Its bodies in order; absent or null, its legislature alone (as before docs/design.md §9). */
  readonly bodies?: readonly string[] | null;
  readonly legislature?: string | null;
  /** The index in `bodies` of the body whose track `approvalStatus` shows; absent, 0. */
  readonly approvalBody?: number;
}

/** One step as recorded (`recordApprovalStep`), besides the party and the dates. */
export interface ApprovalStepInput {
  readonly status: ApprovalStatus;
  /** One of the party's bodies; by default the body that holds it now. */
  readonly body?: string | null;
  readonly kind?: ProcedureStepKind | null;
  readonly votesFor?: number | null;
  readonly votesAgainst?: number | null;
  readonly abstentions?: number | null;
  readonly yesPercent?: number | null;
  readonly turnoutPercent?: number | null;
  /** REFERENDUM only; by default true. A referendum that does not bind moves no track. */
  readonly binding?: boolean | null;
}

/** What a step does to its party. */
export interface ProcedureMove {
  /** The body the step is for. */
  readonly body: string;
  readonly kind: ProcedureStepKind;
  /** For a REFERENDUM, whether it binds; otherwise null. */
  readonly binding: boolean | null;
  /** The party's summary after the step, and the body that holds it then. */
  readonly approvalStatus: ApprovalStatus;
  readonly approvalBody: number;
  /** The step starts the party's procedure again after a rejection. */
  readonly newAttempt: boolean;
}

/** Why a step cannot be recorded: bad fields (BAD_USER_INPUT) or the track's refusal. */
export type ProcedureRefusal =
  { readonly fields: Record<string, string> } | { readonly reason: string };

/** The bodies of a party: the ones it was given, or its legislature alone. */
export function bodiesOf(party: {
  readonly bodies?: readonly string[] | null;
  readonly legislature?: string | null;
}): string[] {
  return party.bodies?.length ? [...party.bodies] : [party.legislature ?? DEFAULT_BODY];
}

/** The body that holds the party's procedure now (the one that rejected it, when REJECTED); null once every body has approved, or when it needs no approval. */
export function currentBody(party: ProcedureParty): string | null {
  if (!party.approvalRequired || party.approvalStatus === ApprovalStatus.APPROVED) {
    return null;
  }
  const bodies = bodiesOf(party);
  return bodies[Math.min(party.approvalBody ?? 0, bodies.length - 1)];
}

/**
 * Why one body's track may not move from `current` to `status`, or null when it may: forward
 * only (skipping steps is allowed), REJECTED only from SUBMITTED, IN_COMMITTEE or
 * COMMITTEE_APPROVED, nothing out of APPROVED or REJECTED.
 */
export function trackRefusal(
  who: string,
  current: ApprovalStatus,
  status: ApprovalStatus,
): string | null {
  if (FINAL_APPROVAL_STATUSES.includes(current)) {
    return `${who}'s approval track is already final (${current})`;
  }
  if (status === ApprovalStatus.REJECTED) {
    return REJECTABLE_FROM.includes(current)
      ? null
      : `REJECTED is reachable only from ${REJECTABLE_FROM.join(', ')}, and ${who} is ${current}`;
  }
  const from = APPROVAL_STEPS.indexOf(current);
  const to = APPROVAL_STEPS.indexOf(status);
  if (to < 0) {
    return `${status} is not an approval step; the steps are ${APPROVAL_STEPS.join(' < ')}`;
  }
  return to > from ? null : `approval steps only move forward, and ${who} is already ${current}`;
}

/** The fields that do not fit the step's kind and status, whatever the party's state. */
function stepFieldProblems(step: ApprovalStepInput): Record<string, string> {
  const kind = step.kind ?? ProcedureStepKind.VOTE;
  const rule = KIND_RULES.get(kind);
  if (!rule) {
    return { kind: `${String(kind)} is not a kind of step; use one of ${kindList()}` };
  }
  const problems: Record<string, string> = {};
  // PENDING and NOT_REQUIRED are never recorded: the track refuses them, as it always has.
  const recordable =
    step.status !== ApprovalStatus.PENDING && step.status !== ApprovalStatus.NOT_REQUIRED;
  if (recordable && !rule.statuses.includes(step.status)) {
    problems.status = `a ${kind} records ${rule.statuses.join(', ')}, not ${step.status}`;
  }
  if (!rule.tallies) {
    for (const field of ['votesFor', 'votesAgainst', 'abstentions'] as const) {
      if (step[field] != null) {
        problems[field] = rule.figures
          ? `a REFERENDUM has no tally: give its result as yesPercent and turnoutPercent`
          : `a ${kind} has no tally; only a VOTE has one`;
      }
    }
  }
  const result = step.status === ApprovalStatus.APPROVED || step.status === ApprovalStatus.REJECTED;
  for (const field of ['yesPercent', 'turnoutPercent'] as const) {
    const value = step[field];
    if (!rule.figures) {
      if (value != null) {
        problems[field] = `goes with a REFERENDUM only, not with a ${kind}`;
      }
    } else if (!result) {
      if (value != null) {
        problems[field] =
          `a referendum's figures come with its result (APPROVED or REJECTED), not with ${step.status}`;
      }
    } else if (value == null) {
      problems[field] =
        `a referendum's result needs its ${field === 'yesPercent' ? 'share of yes votes' : 'turnout'}, in percent`;
    } else if (!(Number.isFinite(value) && value >= 0 && value <= 100)) {
      problems[field] = `${value} is not a percentage from 0 to 100`;
    }
  }
  if (!rule.figures && step.binding != null) {
    problems.binding = `goes with a REFERENDUM only, not with a ${kind}`;
  }
  return problems;
}

/**
 * What recording `step` does to `party`, or why it cannot be recorded. `retry`: a REJECTED party
 * may start again (outside the MANUAL rule, where a rejection does not reject the agreement);
 * its new attempt starts at the body that rejected it, or an earlier one the step names, whose
 * track starts again at PENDING; the bodies before that one keep their approval. Pure.
 */
export function procedureStep(
  party: ProcedureParty,
  step: ApprovalStepInput,
  retry: boolean,
): ProcedureMove | ProcedureRefusal {
  const fields = stepFieldProblems(step);
  if (Object.keys(fields).length > 0) {
    return { fields };
  }
  if (!party.approvalRequired) {
    return {
      reason: `${party.code} does not need a legislative vote (approvalRequired is false)`,
    };
  }
  const bodies = bodiesOf(party);
  const holder = Math.min(party.approvalBody ?? 0, bodies.length - 1);
  const index = step.body == null ? holder : bodies.indexOf(step.body);
  if (index < 0) {
    return {
      fields: {
        body: `${step.body} is not one of ${party.code}'s bodies (${bodies.join(', ')})`,
      },
    };
  }
  const kind = step.kind ?? ProcedureStepKind.VOTE;
  const binding = kind === ProcedureStepKind.REFERENDUM ? (step.binding ?? true) : null;
  const who = bodies.length > 1 ? `${party.code}'s ${bodies[index]}` : party.code;
  const status = party.approvalStatus;
  const moved = (next: ApprovalStatus, newAttempt: boolean): ProcedureMove => ({
    ...summary(bodies, index, next),
    body: bodies[index],
    kind,
    binding,
    newAttempt,
  });

  if (status === ApprovalStatus.REJECTED && binding !== false) {
    if (!retry) {
      return {
        reason: `${who} rejected it, and under the MANUAL rule a rejection rejects the agreement: there is no second attempt unless the agreement is renegotiated (RENEGOTIATE)`,
      };
    }
    if (index > holder) {
      return {
        fields: {
          body: `${bodies[holder]} rejected it: a new attempt starts there or at an earlier body, not at ${bodies[index]}`,
        },
      };
    }
    const refusal = trackRefusal(who, ApprovalStatus.PENDING, step.status);
    return refusal
      ? { reason: `a new attempt starts at PENDING: ${refusal}` }
      : moved(step.status, true);
  }
  if (FINAL_APPROVAL_STATUSES.includes(status)) {
    return { reason: `${party.code}'s approval track is already final (${status})` };
  }
  if (index !== holder) {
    return {
      fields: {
        body:
          index < holder
            ? `${bodies[index]} has already approved it; ${bodies[holder]} holds it now`
            : `${bodies[holder]} has not approved it yet (${status}), and ${bodies[index]} comes after it`,
      },
    };
  }
  if (binding === false) {
    // An advisory referendum is recorded with its result, and leaves the track as it is.
    return {
      approvalStatus: status,
      approvalBody: holder,
      body: bodies[index],
      kind,
      binding,
      newAttempt: false,
    };
  }
  const refusal = trackRefusal(who, status, step.status);
  return refusal ? { reason: refusal } : moved(step.status, false);
}

/** The party's status once body `index` is at `status`: approval passes it on to the next. */
function summary(bodies: readonly string[], index: number, status: ApprovalStatus) {
  return status === ApprovalStatus.APPROVED && index < bodies.length - 1
    ? { approvalStatus: ApprovalStatus.SUBMITTED, approvalBody: index + 1 }
    : { approvalStatus: status, approvalBody: index };
}

/** Why the list of bodies given for a party cannot be stored, or null. */
export function bodiesRefusal(
  bodies: readonly string[] | null | undefined,
  approvalRequired: boolean,
): string | null {
  if (bodies == null) {
    return null;
  }
  if (!approvalRequired) {
    return 'a party without approvalRequired has no procedure, so no bodies';
  }
  if (bodies.length === 0 || bodies.length > MAX_BODIES) {
    return `give from 1 to ${MAX_BODIES} bodies, in the order they act`;
  }
  const seen = new Set<string>();
  for (const body of bodies) {
    if (seen.has(body.toLowerCase())) {
      return `${body} is named twice; each body acts once in an attempt`;
    }
    seen.add(body.toLowerCase());
  }
  return null;
}

function kindList(): string {
  return STEP_KINDS.map((rule) => rule.kind).join(', ');
}
