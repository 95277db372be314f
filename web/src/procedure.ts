/**
 * A party's domestic procedure as the page reads it (docs/design.md §9): where each of its bodies
 * stands, and which kinds of step may record a status. Pure (test/web/procedure.spec.ts).
 */

/** Where a body stands: it has approved, it holds the party now, or its turn has not come. */
export type BodyState = 'approved' | 'current' | 'later';

/** Each of a party's bodies, in order, with where it stands; [] when it needs no approval. */
export function bodyStates(party: {
  approvalRequired: boolean;
  bodies: readonly string[];
  currentBody: string | null;
}): { body: string; state: BodyState }[] {
  if (!party.approvalRequired) {
    return [];
  }
  // Bodies act in order: those before the one holding it have approved (currentBody is null
  // once the last has).
  const at =
    party.currentBody === null ? party.bodies.length : party.bodies.indexOf(party.currentBody);
  return party.bodies.map((body, i) => ({
    body,
    state: i < at ? 'approved' : i === at ? 'current' : 'later',
  }));
}

/** A kind of procedure step, and what it records (`workflow { approvalTrack { stepKinds } }`). */
export interface StepKindRule {
  kind: string;
  statuses: string[];
  tallies: boolean;
  figures: boolean;
}

/**
 * The kinds of step (ProcedureStepKind), for when the page has not the workflow's own list: each
 * offered with any status, the server refusing what it does not allow.
 */
export const STEP_KINDS: StepKindRule[] = [
  'VOTE',
  'REFERENDUM',
  'EXECUTIVE_DECISION',
  'COURT_REVIEW',
  'PROMULGATION',
].map((kind) => ({
  kind,
  statuses: [],
  tallies: kind === 'VOTE',
  figures: kind === 'REFERENDUM',
}));

/** The kinds of step that may record `status`, VOTE (the API's default) first. */
export function kindsFor(status: string, rules: readonly StepKindRule[]): StepKindRule[] {
  const known = rules.length ? rules : STEP_KINDS;
  const fit = known.filter((rule) => !rule.statuses.length || rule.statuses.includes(status));
  return fit.length ? fit : known.slice(0, 1);
}
