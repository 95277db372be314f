import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AGREEMENT_FIELDS, AgreementFactory } from './factories/agreement.factory.js';
import { TestServer } from './support/server.js';

/**
 * A write answers with the agreement as its statements left it in the database (RETURNING), not
 * with a second read: the answer must still be exactly what any later read shows.
 */
describe('what a write answers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false, env: { READ_CACHE_ENTRIES: '0' } });
  });
  afterAll(() => server.dispose());

  const read = async (id: string) =>
    (await server.ok(`query ($id: ID!) { agreement(id: $id) { ${AGREEMENT_FIELDS} } }`, { id }))
      .agreement;

  /** Runs a mutation that returns the agreement, and checks its answer against a read. */
  async function write(mutation: string, input: Record<string, unknown>) {
    const data = await server.ok(
      `mutation ($input: ${mutation[0].toUpperCase()}${mutation.slice(1)}Input!) { ${mutation}(input: $input) { ${AGREEMENT_FIELDS} } }`,
      { input },
    );
    const answer = data[mutation];
    expect(answer).toEqual(await read(answer.id));
    return answer;
  }

  it('is what a read shows, for every kind of write and every derived change', async () => {
    const { id } = await AgreementFactory.create(server, {
      stage: 'SIGNED',
      stageEnteredAt: '2021-03-08T00:00:00.000Z',
    });
    await write('updateAgreement', { agreementId: id, summary: 'Cost sharing', termYears: 6 });
    await write('advanceAgreement', {
      agreementId: id,
      action: 'SUBMIT_FOR_APPROVAL',
      occurredAt: '2021-03-10T00:00:00.000Z',
    });
    await write('recordApprovalStep', {
      agreementId: id,
      partyCode: 'KR',
      status: 'COMMITTEE_APPROVED',
      votesFor: 15,
      votesAgainst: 3,
      occurredAt: '2021-03-20T09:30:00.000Z',
    });
    // The last approval ratifies: the party and the agreement change in one write.
    const ratified = await write('recordApprovalStep', {
      agreementId: id,
      partyCode: 'KR',
      status: 'APPROVED',
      votesFor: 179,
      votesAgainst: 4,
      abstentions: 1,
    });
    expect(ratified).toMatchObject({ stage: 'RATIFIED', version: 5 });
    expect(ratified.parties[1]).toMatchObject({ approvalStatus: 'APPROVED', votesFor: 179 });
    const second = await AgreementFactory.create(server, { stage: 'SIGNED' });
    await write('advanceAgreement', { agreementId: second.id, action: 'SUBMIT_FOR_APPROVAL' });
    await write('recordApprovalStep', {
      agreementId: second.id,
      partyCode: 'KR',
      status: 'SUBMITTED',
    });
    await write('recordApprovalStep', {
      agreementId: second.id,
      partyCode: 'KR',
      status: 'REJECTED',
      votesFor: 80,
      votesAgainst: 190,
    });
    // Back to negotiation: the approval track is reset by a derived change.
    const reset = await write('advanceAgreement', {
      agreementId: second.id,
      action: 'RENEGOTIATE',
    });
    expect(reset.parties[1].approvalStatus).toBe('PENDING');
  });
});
