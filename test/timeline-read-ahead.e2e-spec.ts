import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgreementFactory, EVENT_FIELDS } from './factories/agreement.factory.js';
import { dialect } from './support/databases.js';
import { TestServer } from './support/server.js';

/**
 * On PostgreSQL `agreement(id)` reads the page of `timeline` its selection asks for together with
 * the agreement (src/agreements/timeline-lookahead.ts), in one statement, the events as JSON; on
 * SQLite, where it would save nothing, the timeline reads its page itself. What a client gets is
 * what the timeline read on its own gives, for every field of every kind of event, and arguments
 * the timeline refuses are still refused.
 */

const FIELDS = `${EVENT_FIELDS} body stepKind yesPercent turnoutPercent binding partyApprovalStatus attempt partyAction partyStatus consentMeans reference`;
const PAGE = `edges { cursor node { ${FIELDS} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount`;

/** The status query with `timeline(<args>)`, read ahead, or with `@include(if: true)`, not. */
const statusQuery = (args: string, readAhead: boolean) =>
  `query ($id: ID!${args.includes('$after') ? ', $after: String' : ''}) { agreement(id: $id) { id version
    timeline(${args})${readAhead ? '' : ' @include(if: true)'} { ${PAGE} } } }`;

describe('the timeline read with its agreement', () => {
  let server: TestServer;
  let id: string;

  beforeAll(async () => {
    server = await TestServer.start({
      seedDemo: false,
      env: { COUNT_SQL_QUERIES: 'true', READ_CACHE_ENTRIES: '0' },
    });
    // A history with a value in every column: a referendum (percentages, binding), a vote
    // (tallies), a change of details (changed fields), a note and a source.
    ({ id } = await AgreementFactory.create(server, {
      title: 'Treaty of Lisbon',
      stage: 'PARLIAMENTARY_REVIEW',
      stageEnteredAt: '2008-01-01T00:00:00.000Z',
      note: 'Signed in Lisbon',
      sourceUrl: 'https://example.org/lisbon',
      parties: [
        { code: 'FR', name: 'France', legislature: 'Parliament', approvalRequired: true },
        {
          code: 'IE',
          name: 'Ireland',
          approvalRequired: true,
          bodies: ['Oireachtas', 'Electorate'],
        },
      ],
    }));
    const step = `mutation ($input: RecordApprovalStepInput!) { recordApprovalStep(input: $input) { version } }`;
    await server.ok(step, {
      input: {
        agreementId: id,
        partyCode: 'IE',
        status: 'APPROVED',
        votesFor: 120,
        votesAgainst: 12,
        abstentions: 3,
        occurredAt: '2008-05-01T00:00:00.000Z',
      },
    });
    await server.ok(step, {
      input: {
        agreementId: id,
        partyCode: 'IE',
        kind: 'REFERENDUM',
        status: 'REJECTED',
        yesPercent: 46.6,
        turnoutPercent: 53.1,
        binding: true,
        occurredAt: '2008-06-12T00:00:00.000Z',
        note: 'No',
      },
    });
    await server.ok(
      `mutation ($id: ID!) { updateAgreement(input: { agreementId: $id, summary: "Reform treaty" }) { version } }`,
      { id },
    );
  });
  afterAll(() => server.dispose());

  const statements = async () =>
    ((await (await fetch(`${server.url}/health`)).json()) as { sqlQueries: number }).sqlQueries;

  /** The answer to the status query, and how many SQL statements it cost. */
  const read = async (args: string, readAhead: boolean, after?: string) => {
    const before = await statements();
    const answer = await server.gql(statusQuery(args, readAhead), { id, after });
    return { answer, statements: (await statements()) - before - 1 }; // less the health check
  };

  it.each([
    'first: 50',
    'last: 2',
    'first: 2',
    'last: 3, after: $after',
    'first: 1, after: $after',
  ])('answers timeline(%s) as the timeline read on its own does', async (args) => {
    const all = await server.ok(statusQuery('first: 50', false), { id });
    const after = all.agreement.timeline.edges[1].cursor as string;
    await read(args, true, after); // the parties, read once and then remembered
    const ahead = await read(args, true, after);
    const alone = await read(args, false, after);
    expect(ahead.answer).toEqual(alone.answer);
    expect(ahead.answer.errors).toBeUndefined();
    // One statement fewer on PostgreSQL; on SQLite, whose reads are calls in the process, the same.
    expect([ahead.statements, alone.statements]).toEqual(dialect === 'postgres' ? [2, 3] : [3, 3]);
  });

  it('gives every column of every event back as it was recorded', async () => {
    const { answer } = await read('first: 50', true);
    const nodes = answer.data!.agreement.timeline.edges.map((edge: any) => edge.node);
    expect(nodes).toHaveLength(5);
    expect(nodes[0]).toMatchObject({
      type: 'AGREEMENT_CREATED',
      note: 'Signed in Lisbon',
      sourceUrl: 'https://example.org/lisbon',
      agreementId: id,
    });
    expect(nodes[1]).toMatchObject({
      votesFor: 120,
      votesAgainst: 12,
      abstentions: 3,
      occurredAt: '2008-05-01T00:00:00.000Z',
    });
    expect(nodes[2]).toMatchObject({
      stepKind: 'REFERENDUM',
      yesPercent: 46.6,
      turnoutPercent: 53.1,
      binding: true,
      attempt: 1,
      note: 'No',
    });
    // Ireland's no rejected a treaty of two parties (the default rule: every party consents).
    expect(nodes[3]).toMatchObject({
      type: 'STAGE_CHANGED',
      action: 'REJECT',
      fromStage: 'PARLIAMENTARY_REVIEW',
      toStage: 'REJECTED',
      actor: 'system',
    });
    expect(nodes[4]).toMatchObject({ type: 'DETAILS_UPDATED', changedFields: ['summary'] });
    for (const node of nodes) {
      expect(new Date(node.recordedAt).toISOString()).toBe(node.recordedAt);
    }
  });

  it.each([
    ['first: 1000', 'first'],
    ['last: 0', 'last'],
    ['after: "bm90IGEgY3Vyc29y"', 'after'],
  ])('still refuses timeline(%s), naming %s', async (args, field) => {
    const { answer } = await read(args, true);
    expect(answer.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(JSON.stringify(answer.errors?.[0].extensions)).toContain(field);
  });

  it('answers two timelines of different pages, each its own', async () => {
    const data = await server.ok(
      `query ($id: ID!) { agreement(id: $id) {
        newest: timeline(last: 1) { edges { node { type } } }
        oldest: timeline(first: 1) { edges { node { type } } } } }`,
      { id },
    );
    expect(data.agreement).toEqual({
      newest: { edges: [{ node: { type: 'DETAILS_UPDATED' } }] },
      oldest: { edges: [{ node: { type: 'AGREEMENT_CREATED' } }] },
    });
  });
});
