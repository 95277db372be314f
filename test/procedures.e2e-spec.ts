import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgreementFactory, DUMA, EVENT_FIELDS, NEW_START } from './factories/agreement.factory.js';
import { TestServer } from './support/server.js';

/**
 * Domestic procedures (README, "Domestic procedures"): several bodies in order, referendums and
 * second attempts, over HTTP and WebSocket as a client sees them.
 */

const PARTY = `code approvalStatus approvalAttempt bodies currentBody availableApprovalSteps
  votesFor votesAgainst abstentions
  procedure { sequence body kind status partyApprovalStatus attempt votesFor votesAgainst abstentions
    yesPercent turnoutPercent binding occurredAt note sourceUrl }`;
const STEP = `mutation ($input: RecordApprovalStepInput!) {
  recordApprovalStep(input: $input) { stage version parties { ${PARTY} } } }`;
const STEP_EVENT_FIELDS = `${EVENT_FIELDS} body stepKind yesPercent turnoutPercent binding partyApprovalStatus attempt`;

describe('domestic procedures', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
  });
  afterAll(() => server.dispose());

  const step = async (input: Record<string, unknown>) =>
    (await server.ok(STEP, { input })).recordApprovalStep;
  const party = (agreement: any, code: string) =>
    agreement.parties.find((candidate: any) => candidate.code === code);
  const refusal = async (input: Record<string, unknown>) => {
    const { errors } = await server.gql(STEP, { input });
    return errors?.[0];
  };
  const versionOf = async (id: string) =>
    (await server.ok(`query ($id: ID!) { agreement(id: $id) { version } }`, { id })).agreement
      .version;

  it('approves a bicameral party body by body: APPROVED, and ratified, only after the second', async () => {
    const { id } = await AgreementFactory.create(server, NEW_START);
    const approvals = await server.subscribe(
      `subscription ($id: ID) { approvalUpdated(agreementId: $id) { ${STEP_EVENT_FIELDS} } }`,
      { id },
    );
    const created = await server.ok(
      `query ($id: ID!) { agreement(id: $id) { parties { ${PARTY} } } }`,
      { id },
    );
    expect(party(created.agreement, 'RU')).toMatchObject({
      approvalStatus: 'PENDING',
      bodies: ['State Duma', 'Federation Council'],
      currentBody: 'State Duma',
      approvalAttempt: 1,
      procedure: [],
    });
    expect(party(created.agreement, 'US')).toMatchObject({
      bodies: ['Senate'],
      currentBody: 'Senate',
    });

    await step({
      agreementId: id,
      partyCode: 'US',
      status: 'APPROVED',
      votesFor: 71,
      votesAgainst: 26,
      occurredAt: '2010-12-22T00:00:00.000Z',
    });
    await step({
      agreementId: id,
      partyCode: 'RU',
      status: 'SUBMITTED',
      occurredAt: '2010-12-22T00:00:00.000Z',
    });
    const duma = await step({
      agreementId: id,
      partyCode: 'RU',
      body: 'State Duma',
      status: 'APPROVED',
      votesFor: 350,
      votesAgainst: 58,
      abstentions: 2,
      occurredAt: '2011-01-25T00:00:00.000Z',
      note: 'Third reading.',
      sourceUrl: DUMA,
    });
    expect(duma.stage).toBe('PARLIAMENTARY_REVIEW');
    expect(party(duma, 'RU')).toMatchObject({
      approvalStatus: 'SUBMITTED',
      currentBody: 'Federation Council',
      availableApprovalSteps: ['IN_COMMITTEE', 'COMMITTEE_APPROVED', 'APPROVED', 'REJECTED'],
      votesFor: 350,
    });

    const council = await step({
      agreementId: id,
      partyCode: 'RU',
      status: 'APPROVED',
      kind: 'VOTE',
      votesFor: 137,
      votesAgainst: 0,
      abstentions: 0,
      occurredAt: '2011-01-26T00:00:00.000Z',
    });
    expect(council.stage).toBe('RATIFIED');
    const ru = party(council, 'RU');
    expect(ru).toMatchObject({ approvalStatus: 'APPROVED', currentBody: null });
    expect(
      ru.procedure.map((s: any) => [s.body, s.kind, s.status, s.partyApprovalStatus, s.votesFor]),
    ).toEqual([
      ['State Duma', 'VOTE', 'SUBMITTED', 'SUBMITTED', null],
      ['State Duma', 'VOTE', 'APPROVED', 'SUBMITTED', 350],
      ['Federation Council', 'VOTE', 'APPROVED', 'APPROVED', 137],
    ]);
    expect(ru.procedure[1]).toMatchObject({
      votesAgainst: 58,
      abstentions: 2,
      attempt: 1,
      occurredAt: '2011-01-25T00:00:00.000Z',
      note: 'Third reading.',
      sourceUrl: DUMA,
      yesPercent: null,
      binding: null,
    });

    // The same steps, live and in the log, in order, with their bodies.
    const pushed = (await approvals.take(4)).map((m: any) => m.approvalUpdated);
    expect(
      pushed.map((e: any) => [e.partyCode, e.body, e.approvalStatus, e.partyApprovalStatus]),
    ).toEqual([
      ['US', 'Senate', 'APPROVED', 'APPROVED'],
      ['RU', 'State Duma', 'SUBMITTED', 'SUBMITTED'],
      ['RU', 'State Duma', 'APPROVED', 'SUBMITTED'],
      ['RU', 'Federation Council', 'APPROVED', 'APPROVED'],
    ]);
    const { events } = await server.ok(
      `query ($id: ID) { events(agreementId: $id) { edges { node { ${STEP_EVENT_FIELDS} } } } }`,
      { id },
    );
    const log = events.edges.map((edge: any) => edge.node);
    expect(log.filter((e: any) => e.type === 'APPROVAL_UPDATED')).toEqual(pushed);
    const ratified = log.findIndex((e: any) => e.action === 'RATIFY');
    expect(log[ratified]).toMatchObject({ type: 'STAGE_CHANGED', actor: 'system' });
    expect(log[ratified - 1]).toMatchObject({ body: 'Federation Council' });
    await approvals.close();
  });

  it('refuses each bad step with a client error naming the field, and writes nothing', async () => {
    const { id } = await AgreementFactory.create(server, NEW_START);
    const version = await versionOf(id);
    const cases: [Record<string, unknown>, string, Record<string, unknown>][] = [
      [{ body: 'Senate' }, 'BAD_USER_INPUT', { body: expect.stringContaining('not one of') }],
      [
        { body: 'Federation Council' },
        'BAD_USER_INPUT',
        { body: expect.stringContaining('State Duma has not approved it yet') },
      ],
      [
        { kind: 'REFERENDUM', status: 'APPROVED' },
        'BAD_USER_INPUT',
        { yesPercent: expect.any(String), turnoutPercent: expect.any(String) },
      ],
      [
        { kind: 'REFERENDUM', status: 'APPROVED', yesPercent: 101, turnoutPercent: 50 },
        'BAD_USER_INPUT',
        { yesPercent: expect.stringContaining('100') },
      ],
      [
        { kind: 'REFERENDUM', status: 'APPROVED', yesPercent: 50.123, turnoutPercent: 50 },
        'BAD_USER_INPUT',
        { yesPercent: expect.stringContaining('2 decimal places') },
      ],
      [
        { kind: 'PROMULGATION', status: 'APPROVED', votesFor: 3 },
        'BAD_USER_INPUT',
        { votesFor: 'a PROMULGATION has no tally; only a VOTE has one' },
      ],
      [
        { kind: 'COURT_REVIEW', status: 'IN_COMMITTEE' },
        'BAD_USER_INPUT',
        { status: expect.stringContaining('a COURT_REVIEW records') },
      ],
      [{ binding: false }, 'BAD_USER_INPUT', { binding: expect.any(String) }],
    ];
    for (const [fields, code, named] of cases) {
      const error = await refusal({
        agreementId: id,
        partyCode: 'RU',
        status: 'SUBMITTED',
        ...fields,
      });
      expect(error?.extensions).toMatchObject({ code, fields: named });
    }
    const rejected = await refusal({ agreementId: id, partyCode: 'RU', status: 'REJECTED' });
    expect(rejected?.extensions?.code).toBe('INVALID_TRANSITION');
    expect(await versionOf(id)).toBe(version);

    const bad = await server.gql(
      `mutation ($input: CreateAgreementInput!) { createAgreement(input: $input) { id } }`,
      {
        input: AgreementFactory.input({
          parties: [
            { code: 'US', name: 'United States', approvalRequired: false, bodies: ['Senate'] },
            { code: 'RU', name: 'Russia', approvalRequired: true, bodies: ['Duma', 'duma'] },
          ],
        }),
      },
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: {
        'parties.0.bodies': expect.stringContaining('without approvalRequired'),
        'parties.1.bodies': 'duma is named twice; each body acts once in an attempt',
      },
    });
  });

  it('records a binding referendum rejected, then a second one approved (THRESHOLD)', async () => {
    const { id } = await AgreementFactory.create(server, {
      title: 'Treaty of Lisbon',
      shortTitle: 'Lisbon',
      stage: 'PARLIAMENTARY_REVIEW',
      stageEnteredAt: '2008-01-01T00:00:00.000Z',
      entryIntoForce: { kind: 'THRESHOLD', instruments: 2, daysAfter: 0, monthStart: true },
      parties: [
        { code: 'FR', name: 'France', legislature: 'Parliament', approvalRequired: true },
        {
          code: 'IE',
          name: 'Ireland',
          approvalRequired: true,
          bodies: ['Oireachtas', 'Electorate'],
        },
      ],
    });
    await step({
      agreementId: id,
      partyCode: 'IE',
      status: 'APPROVED',
      occurredAt: '2008-05-01T00:00:00.000Z',
    });
    const first = await step({
      agreementId: id,
      partyCode: 'IE',
      kind: 'REFERENDUM',
      status: 'REJECTED',
      yesPercent: 46.6,
      turnoutPercent: 53.1,
      occurredAt: '2008-06-12T00:00:00.000Z',
    });
    // Under THRESHOLD a party's no does not reject the agreement: Ireland may try again.
    expect(first.stage).toBe('PARLIAMENTARY_REVIEW');
    expect(party(first, 'IE')).toMatchObject({
      approvalStatus: 'REJECTED',
      currentBody: 'Electorate',
      availableApprovalSteps: ['SUBMITTED', 'IN_COMMITTEE', 'COMMITTEE_APPROVED', 'APPROVED'],
    });
    const second = await step({
      agreementId: id,
      partyCode: 'IE',
      kind: 'REFERENDUM',
      status: 'APPROVED',
      yesPercent: 67.1,
      turnoutPercent: 59,
      binding: true,
      occurredAt: '2009-10-02T00:00:00.000Z',
    });
    const ie = party(second, 'IE');
    expect(ie).toMatchObject({ approvalStatus: 'APPROVED', approvalAttempt: 2 });
    expect(
      ie.procedure.map((s: any) => [
        s.attempt,
        s.body,
        s.kind,
        s.status,
        s.yesPercent,
        s.turnoutPercent,
      ]),
    ).toEqual([
      [1, 'Oireachtas', 'VOTE', 'APPROVED', null, null],
      [1, 'Electorate', 'REFERENDUM', 'REJECTED', 46.6, 53.1],
      [2, 'Electorate', 'REFERENDUM', 'APPROVED', 67.1, 59],
    ]);
    expect(ie.procedure[2].binding).toBe(true);

    const feed = await fetch(`${server.url}/feeds/agreements/${id}.atom`).then((r) => r.text());
    expect(feed).toContain(
      'Lisbon: the referendum in Ireland (IE) rejected it, 46.6% yes, turnout 53.1%.',
    );
    expect(feed).toContain(
      'Lisbon: the referendum in Ireland (IE) approved it, 67.1% yes, turnout 59% (attempt 2).',
    );
  });

  it('refuses a second attempt under MANUAL, where the rejection rejected the agreement', async () => {
    const { id } = await AgreementFactory.create(server, NEW_START);
    await step({ agreementId: id, partyCode: 'RU', status: 'SUBMITTED' });
    const rejected = await step({ agreementId: id, partyCode: 'RU', status: 'REJECTED' });
    expect(rejected.stage).toBe('REJECTED');
    const version = await versionOf(id);
    const error = await refusal({ agreementId: id, partyCode: 'RU', status: 'SUBMITTED' });
    expect(error?.extensions).toMatchObject({
      code: 'INVALID_TRANSITION',
      reason: expect.stringContaining('under the MANUAL rule RU'),
      requestedApprovalStatus: 'SUBMITTED',
    });
    expect(await versionOf(id)).toBe(version);

    // Renegotiated, signed and submitted again: every track starts over, in a new attempt.
    for (const action of [
      'RENEGOTIATE',
      'REACH_AGREEMENT_IN_PRINCIPLE',
      'SIGN',
      'SUBMIT_FOR_APPROVAL',
    ]) {
      await server.ok(
        `mutation ($input: AdvanceAgreementInput!) { advanceAgreement(input: $input) { stage } }`,
        { input: { agreementId: id, action } },
      );
    }
    const again = await step({ agreementId: id, partyCode: 'RU', status: 'SUBMITTED' });
    expect(party(again, 'RU')).toMatchObject({
      approvalStatus: 'SUBMITTED',
      approvalAttempt: 2,
      currentBody: 'State Duma',
    });
    expect(party(again, 'RU').procedure.map((s: any) => [s.attempt, s.body, s.status])).toEqual([
      [1, 'State Duma', 'SUBMITTED'],
      [1, 'State Duma', 'REJECTED'],
      [2, 'State Duma', 'SUBMITTED'],
    ]);
  });

  it('takes bodies for a party that joins later, and refuses them without approvalRequired', async () => {
    const { id } = await AgreementFactory.create(server, NEW_START);
    const add = `mutation ($input: AddPartyInput!) { addParty(input: $input) { parties { code bodies currentBody } } }`;
    const { addParty } = await server.ok(add, {
      input: {
        agreementId: id,
        party: {
          code: 'KR',
          name: 'Republic of Korea',
          approvalRequired: true,
          bodies: ['State Council', 'National Assembly'],
        },
      },
    });
    expect(party(addParty, 'KR')).toEqual({
      code: 'KR',
      bodies: ['State Council', 'National Assembly'],
      currentBody: 'State Council',
    });
    const version = await versionOf(id);
    const { errors } = await server.gql(add, {
      input: {
        agreementId: id,
        party: { code: 'JP', name: 'Japan', approvalRequired: false, bodies: ['Diet'] },
      },
    });
    expect(errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'party.bodies': 'a party without approvalRequired has no procedure, so no bodies' },
    });
    expect(await versionOf(id)).toBe(version);
  });

  it('lists the kinds of step in the workflow query', async () => {
    const { workflow } = await server.ok(
      `{ workflow { approvalTrack { stepKinds { kind statuses tallies figures } } } }`,
    );
    expect(workflow.approvalTrack.stepKinds).toEqual([
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
        kind: 'EXECUTIVE_DECISION',
        statuses: ['SUBMITTED', 'APPROVED', 'REJECTED'],
        tallies: false,
        figures: false,
      },
      {
        kind: 'COURT_REVIEW',
        statuses: ['SUBMITTED', 'APPROVED', 'REJECTED'],
        tallies: false,
        figures: false,
      },
      {
        kind: 'PROMULGATION',
        statuses: ['SUBMITTED', 'APPROVED', 'REJECTED'],
        tallies: false,
        figures: false,
      },
    ]);
  });

  it('leaves an old-style party as it was: one body, its legislature, and the same events', async () => {
    const { id } = await AgreementFactory.create(server, { stage: 'PARLIAMENTARY_REVIEW' });
    const done = await step({
      agreementId: id,
      partyCode: 'KR',
      status: 'APPROVED',
      votesFor: 179,
      votesAgainst: 2,
      abstentions: 6,
    });
    expect(done.stage).toBe('RATIFIED');
    expect(party(done, 'KR')).toMatchObject({
      approvalStatus: 'APPROVED',
      bodies: ['National Assembly'],
      approvalAttempt: 1,
      votesFor: 179,
      procedure: [
        expect.objectContaining({
          body: 'National Assembly',
          kind: 'VOTE',
          status: 'APPROVED',
          votesFor: 179,
        }),
      ],
    });
    const { events } = await server.ok(
      `query ($id: ID) { events(agreementId: $id, first: 5) { edges { node { ${EVENT_FIELDS} } } } }`,
      { id },
    );
    expect(events.edges[1].node).toMatchObject({
      type: 'APPROVAL_UPDATED',
      partyCode: 'KR',
      approvalStatus: 'APPROVED',
      votesFor: 179,
      votesAgainst: 2,
      abstentions: 6,
    });
  });
});
