import { describe, expect, it } from '@jest/globals';
import { bodyStates, kindsFor, STEP_KINDS, type StepKindRule } from '../../web/src/procedure.js';

type Procedure = Parameters<typeof bodyStates>[0];

const RU: Procedure = {
  approvalRequired: true,
  bodies: ['State Duma', 'Federation Council'],
  currentBody: 'State Duma',
};

/** As `workflow { approvalTrack { stepKinds } }` lists them (test/procedures.e2e-spec.ts). */
const RULES: StepKindRule[] = [
  {
    kind: 'VOTE',
    statuses: ['SUBMITTED', 'IN_COMMITTEE', 'COMMITTEE_APPROVED', 'APPROVED', 'REJECTED'],
    tallies: true,
    figures: false,
  },
  {
    kind: 'REFERENDUM',
    statuses: ['SUBMITTED', 'APPROVED', 'REJECTED'],
    tallies: false,
    figures: true,
  },
  {
    kind: 'COURT_REVIEW',
    statuses: ['SUBMITTED', 'APPROVED', 'REJECTED'],
    tallies: false,
    figures: false,
  },
];

describe('a party’s procedure in the web app', () => {
  it('says where each body stands: approved before the one holding it, the rest to come', () => {
    const states = (party: Partial<Procedure>) =>
      bodyStates({ ...RU, ...party }).map(({ body, state }) => `${body}: ${state}`);
    // Pending or submitted at its first chamber, or rejected there (currentBody is the body
    // that rejected it).
    expect(states({})).toEqual(['State Duma: current', 'Federation Council: later']);
    expect(states({ currentBody: 'Federation Council' })).toEqual([
      'State Duma: approved',
      'Federation Council: current',
    ]);
    // Every body has approved: none holds it any more.
    expect(states({ currentBody: null })).toEqual([
      'State Duma: approved',
      'Federation Council: approved',
    ]);
    // No approval required: the API still lists a body, which the page does not show.
    expect(
      bodyStates({ ...RU, approvalRequired: false, bodies: ['Legislature'], currentBody: null }),
    ).toEqual([]);
  });

  it('offers the kinds of step that may record a status, a vote first', () => {
    const kinds = (status: string, rules: StepKindRule[]) =>
      kindsFor(status, rules).map((rule) => rule.kind);
    expect(kinds('APPROVED', RULES)).toEqual(['VOTE', 'REFERENDUM', 'COURT_REVIEW']);
    expect(kinds('IN_COMMITTEE', RULES)).toEqual(['VOTE']);
    // Without the workflow's list: every kind, the server refusing what it does not allow.
    expect(kinds('IN_COMMITTEE', [])).toEqual(STEP_KINDS.map((rule) => rule.kind));
    expect(STEP_KINDS.filter((rule) => rule.tallies).map((rule) => rule.kind)).toEqual(['VOTE']);
    expect(STEP_KINDS.filter((rule) => rule.figures).map((rule) => rule.kind)).toEqual([
      'REFERENDUM',
    ]);
  });
});
