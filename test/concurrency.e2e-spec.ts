import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgreementFactory } from './factories/agreement.factory.js';
import { allEvents, stageAfter } from './support/pages.js';
import { TestServer } from './support/server.js';

const ADVANCE = `mutation ($input: AdvanceAgreementInput!) { advanceAgreement(input: $input) { stage version } }`;

describe('concurrent writes to one agreement', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
  });
  afterAll(() => server.dispose());

  async function eventCount(agreementId: string): Promise<number> {
    const { events } = await server.ok(
      `query ($id: ID) { events(agreementId: $id) { totalCount } }`,
      {
        id: agreementId,
      },
    );
    return events.totalCount as number;
  }

  it('applies exactly one of 20 advanceAgreement calls with the same expectedVersion', async () => {
    const agreement = await AgreementFactory.create(server);
    const before = await eventCount(agreement.id);

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        server.gql(ADVANCE, {
          input: {
            agreementId: agreement.id,
            action: i % 2 ? 'STALL' : 'REACH_AGREEMENT_IN_PRINCIPLE',
            expectedVersion: agreement.version,
          },
        }),
      ),
    );

    const applied = results.filter((result) => !result.errors);
    const codes = results
      .flatMap((result) => result.errors ?? [])
      .map((error) => error.extensions?.code);
    expect(applied).toHaveLength(1);
    expect(codes).toHaveLength(19);
    expect(new Set(codes)).toEqual(new Set(['VERSION_CONFLICT']));
    expect(await eventCount(agreement.id)).toBe(before + 1);
    const { agreement: after } = await server.ok(
      `query ($id: ID!) { agreement(id: $id) { stage version } }`,
      {
        id: agreement.id,
      },
    );
    expect(after).toEqual(applied[0].data.advanceAgreement);
    expect(after.version).toBe(agreement.version + 1);
  });

  it('applies one of 20 identical calls without expectedVersion; the others no longer fit the stage', async () => {
    const agreement = await AgreementFactory.create(server);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        server.gql(ADVANCE, { input: { agreementId: agreement.id, action: 'STALL' } }),
      ),
    );
    expect(results.filter((result) => !result.errors)).toHaveLength(1);
    const codes = results
      .flatMap((result) => result.errors ?? [])
      .map((error) => error.extensions?.code);
    expect(codes).toEqual(Array(19).fill('INVALID_TRANSITION'));
    expect(await eventCount(agreement.id)).toBe(2);
  });

  it('keeps the log gap-free across concurrent writers on several agreements', async () => {
    const agreements = await Promise.all(
      Array.from({ length: 5 }, () => AgreementFactory.create(server)),
    );
    await Promise.all(
      agreements.flatMap((agreement) =>
        ['STALL', 'RESUME', 'STALL', 'RESUME'].map((action) =>
          server.gql(ADVANCE, { input: { agreementId: agreement.id, action } }),
        ),
      ),
    );
    const { events } = await server.ok(
      `{ events(first: 100) { totalCount edges { node { sequence } } } }`,
    );
    const sequences = events.edges.map((edge: any) => edge.node.sequence);
    expect(sequences).toEqual(Array.from({ length: events.totalCount }, (_, i) => i + 1));
  });

  /**
   * One writer: reads the agreement, then moves it the other way (STALL or RESUME) or edits its
   * summary, always with the version it read; a conflict is an expected answer, anything else
   * is recorded as a failure.
   */
  async function writer(
    agreementId: string,
    attempts: number,
    unexpected: string[],
  ): Promise<number> {
    let applied = 0;
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      const { agreement } = await server.ok(
        `query ($id: ID!) { agreement(id: $id) { stage version } }`,
        { id: agreementId },
      );
      const result =
        attempt % 3 === 2
          ? await server.gql(
              `mutation ($input: UpdateAgreementInput!) { updateAgreement(input: $input) { version } }`,
              {
                input: {
                  agreementId,
                  summary: `Edit ${Math.random()}`,
                  expectedVersion: agreement.version,
                },
              },
            )
          : await server.gql(ADVANCE, {
              input: {
                agreementId,
                action: agreement.stage === 'NEGOTIATION' ? 'STALL' : 'RESUME',
                expectedVersion: agreement.version,
              },
            });
      if (!result.errors) {
        applied += 1;
      } else {
        const code = String(result.errors[0].extensions?.code);
        if (code !== 'VERSION_CONFLICT' && code !== 'INVALID_TRANSITION') {
          unexpected.push(`${code}: ${result.errors[0].message}`);
        }
      }
    }
    return applied;
  }

  /** Checks one agreement after the storm: its version, its events and its stage all agree. */
  async function consistent(agreementId: string, applied: number): Promise<void> {
    const { agreement } = await server.ok(
      `query ($id: ID!) { agreement(id: $id) { stage version } }`,
      {
        id: agreementId,
      },
    );
    const events = await allEvents(server, agreementId);
    expect(agreement.version).toBe(1 + applied);
    expect(events).toHaveLength(1 + applied);
    expect(stageAfter(events)).toBe(agreement.stage);
  }

  /** The whole log: sequences 1, 2, 3, ... with no gap and no repeat. */
  async function gapFreeLog(): Promise<void> {
    const sequences = (await allEvents(server)).map((event) => event.sequence);
    expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => i + 1));
  }

  it('loses no update with 50 concurrent writers on one agreement', async () => {
    const { id } = await AgreementFactory.create(server);
    const unexpected: string[] = [];
    const applied = await Promise.all(Array.from({ length: 50 }, () => writer(id, 3, unexpected)));
    const total = applied.reduce((sum, n) => sum + n, 0);
    expect(unexpected).toEqual([]);
    expect(total).toBeGreaterThan(0);
    await consistent(id, total);
    await gapFreeLog();
  });

  it('loses no update with 200 concurrent writers on 50 agreements', async () => {
    const agreements = await Promise.all(
      Array.from({ length: 50 }, () => AgreementFactory.create(server)),
    );
    const unexpected: string[] = [];
    const applied = await Promise.all(
      Array.from({ length: 200 }, (_, i) => writer(agreements[i % 50].id, 2, unexpected)),
    );
    expect(unexpected).toEqual([]);
    for (const [index, agreement] of agreements.entries()) {
      const total = applied.filter((_, i) => i % 50 === index).reduce((sum, n) => sum + n, 0);
      await consistent(agreement.id, total);
    }
    await gapFreeLog();
  });
});
