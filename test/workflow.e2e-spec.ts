import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgreementFactory, AGREEMENT_FIELDS, EVENT_FIELDS } from './factories/agreement.factory.js';
import { TestServer } from './support/server.js';

const ADVANCE = `mutation ($input: AdvanceAgreementInput!) { advanceAgreement(input: $input) { ${AGREEMENT_FIELDS} } }`;
const STEP = `mutation ($input: RecordApprovalStepInput!) { recordApprovalStep(input: $input) { ${AGREEMENT_FIELDS} } }`;
const SOURCE = 'https://example.org/national-assembly/vote';

describe('walking the demo agreement from AGREEMENT_IN_PRINCIPLE to IN_FORCE', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start();
  });
  afterAll(() => server.dispose());

  it('serves the demo data of docs/design.md §4', async () => {
    const { agreements } = await server.ok(
      `{ agreements { totalCount edges { node { ${AGREEMENT_FIELDS} predecessor { shortTitle } successor { shortTitle }
         timeline { totalCount edges { node { ${EVENT_FIELDS} } } } } } } }`,
    );
    expect(agreements.totalCount).toBe(2);
    const [tenth, eleventh] = agreements.edges.map((edge: any) => edge.node);
    expect(tenth).toMatchObject({
      shortTitle: '10th SMA',
      stage: 'EXPIRED',
      successor: { shortTitle: '11th SMA' },
    });
    expect(eleventh).toMatchObject({
      shortTitle: '11th SMA',
      termYears: 6,
      stage: 'AGREEMENT_IN_PRINCIPLE',
      stageEnteredAt: '2021-03-07T00:00:00.000Z',
      predecessorId: tenth.id,
      predecessor: { shortTitle: '10th SMA' },
      availableActions: ['REOPEN', 'SIGN', 'WITHDRAW'],
      parties: [
        { code: 'US', approvalRequired: false, approvalStatus: 'NOT_REQUIRED' },
        {
          code: 'KR',
          legislature: 'National Assembly',
          approvalRequired: true,
          approvalStatus: 'PENDING',
        },
      ],
    });
    const history = eleventh.timeline.edges.map((edge: any) => edge.node);
    expect(history.map((event: any) => [event.type, event.action, event.toStage])).toEqual([
      ['AGREEMENT_CREATED', null, 'NEGOTIATION'],
      ['STAGE_CHANGED', 'STALL', 'STALLED'],
      ['STAGE_CHANGED', 'RESUME', 'NEGOTIATION'],
      ['STAGE_CHANGED', 'REACH_AGREEMENT_IN_PRINCIPLE', 'AGREEMENT_IN_PRINCIPLE'],
    ]);
    expect(history[1].note).toContain('13%');
    expect(history[1].note).toContain('date approximate');
    for (const event of [...history, ...tenth.timeline.edges.map((edge: any) => edge.node)]) {
      expect(event.sourceUrl).toBe(
        'https://www.voanews.com/a/east-asia-pacific_us-south-korea-taking-final-steps-troop-basing-deal/6203045.html',
      );
    }
  });

  it('pushes every change to the three subscriptions while an admin walks it to IN_FORCE', async () => {
    const { agreements } = await server.ok(
      `{ agreements(search: "11th sma") { edges { node { id version } } } }`,
    );
    const { id, version } = agreements.edges[0].node;
    const stageChanges = await server.subscribe(
      `subscription ($id: ID) { agreementStageChanged(agreementId: $id) { ${EVENT_FIELDS} } }`,
      { id },
    );
    const approvals = await server.subscribe(
      `subscription ($id: ID) { approvalUpdated(agreementId: $id) { ${EVENT_FIELDS} } }`,
      { id },
    );
    const everything = await server.subscribe(
      `subscription { agreementEvents { ${EVENT_FIELDS} agreement { stage } } }`,
    );

    const advance = async (action: string, expectedVersion: number) =>
      (await server.ok(ADVANCE, { input: { agreementId: id, action, expectedVersion } }))
        .advanceAgreement;
    const step = async (status: string, extra: Record<string, unknown> = {}) =>
      (await server.ok(STEP, { input: { agreementId: id, partyCode: 'KR', status, ...extra } }))
        .recordApprovalStep;

    expect(await advance('SIGN', version)).toMatchObject({ stage: 'SIGNED', version: version + 1 });
    expect(await advance('SUBMIT_FOR_APPROVAL', version + 1)).toMatchObject({
      stage: 'PARLIAMENTARY_REVIEW',
      availableActions: ['WITHDRAW'],
    });
    await step('SUBMITTED');
    await step('IN_COMMITTEE');
    await step('COMMITTEE_APPROVED', { votesFor: 15, votesAgainst: 3 });
    const ratified = await step('APPROVED', {
      votesFor: 179,
      votesAgainst: 2,
      abstentions: 6,
      sourceUrl: SOURCE,
      note: 'Plenary vote',
    });
    expect(ratified).toMatchObject({
      stage: 'RATIFIED',
      availableActions: ['ENTER_INTO_FORCE'],
      parties: [
        { code: 'US', approvalStatus: 'NOT_REQUIRED' },
        { code: 'KR', approvalStatus: 'APPROVED', votesFor: 179, votesAgainst: 2, abstentions: 6 },
      ],
    });
    const inForce = await advance('ENTER_INTO_FORCE', ratified.version);
    expect(inForce).toMatchObject({ stage: 'IN_FORCE', availableActions: ['EXPIRE', 'TERMINATE'] });

    const stages = await stageChanges.take(4);
    expect(
      stages.map((m: any) => [m.agreementStageChanged.action, m.agreementStageChanged.actor]),
    ).toEqual([
      ['SIGN', 'ADMIN_TOKEN'],
      ['SUBMIT_FOR_APPROVAL', 'ADMIN_TOKEN'],
      ['RATIFY', 'system'],
      ['ENTER_INTO_FORCE', 'ADMIN_TOKEN'],
    ]);
    expect(stages[2].agreementStageChanged).toMatchObject({
      fromStage: 'PARLIAMENTARY_REVIEW',
      toStage: 'RATIFIED',
      sourceUrl: SOURCE,
    });

    const steps = await approvals.take(4);
    expect(steps.map((m: any) => m.approvalUpdated)).toEqual([
      expect.objectContaining({ partyCode: 'KR', approvalStatus: 'SUBMITTED', votesFor: null }),
      expect.objectContaining({ approvalStatus: 'IN_COMMITTEE' }),
      expect.objectContaining({
        approvalStatus: 'COMMITTEE_APPROVED',
        votesFor: 15,
        votesAgainst: 3,
        abstentions: null,
      }),
      expect.objectContaining({
        approvalStatus: 'APPROVED',
        votesFor: 179,
        note: 'Plenary vote',
        actor: 'ADMIN_TOKEN',
      }),
    ]);

    const all = (await everything.take(12)).map((m: any) => m.agreementEvents);
    expect(all.map((event: any) => [event.type, event.partyCode])).toEqual([
      ['STAGE_CHANGED', null],
      ['STAGE_CHANGED', null],
      ['APPROVAL_UPDATED', 'KR'],
      ['APPROVAL_UPDATED', 'KR'],
      ['APPROVAL_UPDATED', 'KR'],
      ['APPROVAL_UPDATED', 'KR'],
      ['STAGE_CHANGED', null],
      // Under MANUAL the ratification records both parties' consent, and entry into force
      // binds them (PARTY_UPDATED, actor system).
      ['PARTY_UPDATED', 'US'],
      ['PARTY_UPDATED', 'KR'],
      ['STAGE_CHANGED', null],
      ['PARTY_UPDATED', 'US'],
      ['PARTY_UPDATED', 'KR'],
    ]);
    const sequences = all.map((event: any) => event.sequence);
    expect(sequences).toEqual(sequences.map((_: number, i: number) => sequences[0] + i));
    expect(all.at(-1).agreement.stage).toBe('IN_FORCE');

    const { agreement } = await server.ok(
      `query ($id: ID!) { agreement(id: $id) { timeline(first: 100) { totalCount edges { cursor node { ${EVENT_FIELDS} } } } } }`,
      { id },
    );
    expect(agreement.timeline.totalCount).toBe(16);
    expect(agreement.timeline.edges.slice(4).map((edge: any) => edge.node)).toEqual(
      all.map(({ agreement: _agreement, ...event }: any) => event),
    );
    const { agreement: latest } = await server.ok(
      `query ($id: ID!) { agreement(id: $id) { timeline(last: 3) { pageInfo { hasPreviousPage hasNextPage } edges { node { action partyAction } } } } }`,
      { id },
    );
    expect(latest.timeline).toEqual({
      pageInfo: { hasPreviousPage: true, hasNextPage: false },
      edges: [
        { node: { action: 'ENTER_INTO_FORCE', partyAction: null } },
        { node: { action: null, partyAction: 'PARTY_IN_FORCE' } },
        { node: { action: null, partyAction: 'PARTY_IN_FORCE' } },
      ],
    });
    await Promise.all([stageChanges.close(), approvals.close(), everything.close()]);
  });
});

describe('agreementEvents(after:)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
  });
  afterAll(() => server.dispose());

  const EVENTS = `subscription ($id: ID, $after: String) { agreementEvents(agreementId: $id, after: $after) { ${EVENT_FIELDS} } }`;
  const cycle = (agreementId: string, action: 'STALL' | 'RESUME') =>
    server.ok(ADVANCE, { input: { agreementId, action } });

  it('gives a client that reconnects exactly the events it missed, then live ones', async () => {
    const { id } = await AgreementFactory.create(server);
    const first = await server.subscribe(EVENTS, { id });
    await cycle(id, 'STALL');
    await cycle(id, 'RESUME');
    const seen = (await first.take(2)).map((m: any) => m.agreementEvents);
    await first.close();

    await cycle(id, 'STALL');
    await cycle(id, 'RESUME');
    await cycle(id, 'STALL');
    const { events } = await server.ok(
      `query ($id: ID, $after: String) { events(agreementId: $id, after: $after) { edges { node { ${EVENT_FIELDS} } } } }`,
      { id, after: seen[1].cursor },
    );
    const missed = events.edges.map((edge: any) => edge.node);
    expect(missed.map((event: any) => event.action)).toEqual(['STALL', 'RESUME', 'STALL']);

    const again = await server.subscribe(EVENTS, { id, after: seen[1].cursor });
    expect((await again.take(3)).map((m: any) => m.agreementEvents)).toEqual(missed);
    await cycle(id, 'RESUME');
    const [, , , live] = (await again.take(4)).map((m: any) => m.agreementEvents);
    expect(live).toMatchObject({ action: 'RESUME', sequence: missed[2].sequence + 1 });
    // Another change to another agreement must not reach this filtered subscription.
    const other = await AgreementFactory.create(server);
    await cycle(other.id, 'STALL');
    await cycle(id, 'STALL');
    await again.take(5);
    expect(again.received).toHaveLength(5);
    await again.close();
  });

  it('has no gap and no duplicate when events commit while the replay runs', async () => {
    const agreements = [
      await AgreementFactory.create(server),
      await AgreementFactory.create(server),
    ];
    const { events: before } = await server.ok(`{ events(first: 1) { edges { cursor } } }`);
    const start = before.edges[0].cursor;
    // More than one page of replay (500 events), then writes racing the subscription.
    for (let i = 0; i < 300; i += 1) {
      const { id } = agreements[i % 2];
      await cycle(id, 'STALL');
      await cycle(id, 'RESUME');
    }
    const racing = (async () => {
      for (let i = 0; i < 40; i += 1) {
        await cycle(agreements[i % 2].id, i % 4 < 2 ? 'STALL' : 'RESUME');
      }
    })();
    const all = await server.subscribe(
      `subscription ($after: String) { agreementEvents(after: $after) { sequence } }`,
      {
        after: start,
      },
    );
    await racing;
    const { events } = await server.ok(`{ events(first: 1) { totalCount } }`);
    const expected = events.totalCount - 1;
    const received = (await all.take(expected, 15000)).map((m: any) => m.agreementEvents.sequence);
    expect(received).toEqual(Array.from({ length: expected }, (_, i) => i + 2));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(all.received).toHaveLength(expected);
    await all.close();
  });
});
