import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { APPROVAL_STEPS, ApprovalStatus, PartyAction } from '../src/workflow/index.js';
import { AgreementFactory } from './factories/agreement.factory.js';
import { ADMIN_TOKEN, TestServer } from './support/server.js';

/**
 * What a client needs to offer a person only what the API will accept: who its token is
 * (`viewer`), and for each party what may be recorded now (`availableActions`,
 * `availableApprovalSteps`), checked against what the mutations accept.
 */
describe('viewer, and what may be recorded for each party', () => {
  let server: TestServer;
  let editor: string;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
    editor = (
      await server.ok(`mutation { createApiToken(name: "kr-desk", role: EDITOR) { token } }`)
    ).createApiToken.token;
  });
  afterAll(() => server.dispose());

  const VIEWER = `query Viewer { viewer { name role } }`;

  it('says who a token is, over HTTP and WebSocket; null without one', async () => {
    expect(await server.gql(VIEWER, {}, null)).toEqual({ data: { viewer: null } });
    expect((await server.ok(VIEWER, {}, ADMIN_TOKEN)).viewer).toEqual({
      name: 'ADMIN_TOKEN',
      role: 'ADMIN',
    });
    expect((await server.ok(VIEWER, {}, editor)).viewer).toEqual({
      name: 'kr-desk',
      role: 'EDITOR',
    });
    const socket = server.overWebSocket(VIEWER, {}, { authorization: `Bearer ${editor}` });
    try {
      expect((await socket.take(1))[0]).toEqual({ viewer: { name: 'kr-desk', role: 'EDITOR' } });
    } finally {
      await socket.close();
    }
  });

  it('refuses a token it does not know, as the writes do', async () => {
    const refused = await server.gql(VIEWER, {}, 'not-a-token-of-this-server');
    expect(refused.data?.viewer ?? null).toBeNull();
    expect(refused.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  const PARTIES = `parties { code status approvalStatus availableActions availableApprovalSteps }`;
  const party = (agreement: any, code: string) =>
    agreement.parties.find((candidate: any) => candidate.code === code);

  it('lists the party actions the rules allow now, and each one listed is accepted', async () => {
    const created = (
      await server.ok(
        `mutation ($input: CreateAgreementInput!) { createAgreement(input: $input) { id version ${PARTIES} } }`,
        {
          input: AgreementFactory.input({
            stage: 'SIGNED',
            stageEnteredAt: '2020-01-10T00:00:00.000Z',
            entryIntoForce: { kind: 'THRESHOLD', instruments: 2 },
            parties: [
              { code: 'FR', name: 'France', approvalRequired: false },
              { code: 'DE', name: 'Germany', approvalRequired: false },
            ],
          }),
        },
      )
    ).createAgreement;
    expect(party(created, 'FR').availableActions).toEqual([
      PartyAction.SIGN,
      PartyAction.CONSENT,
      PartyAction.START_PROVISIONAL_APPLICATION,
    ]);
    const act = (action: string, extra: object = {}) =>
      server.gql(
        `mutation ($input: RecordPartyActionInput!) { recordPartyAction(input: $input) { ${PARTIES} } }`,
        {
          input: {
            agreementId: created.id,
            partyCode: 'FR',
            action,
            occurredAt: '2020-02-01T00:00:00.000Z',
            ...extra,
          },
        },
      );
    const signed = (await act('SIGN')).data!.recordPartyAction;
    expect(party(signed, 'FR').availableActions).not.toContain(PartyAction.SIGN);
    expect(party(signed, 'FR').availableActions).toContain(PartyAction.CONSENT);
    // What is not listed is refused, for the reason the rules give.
    const again = await act('SIGN');
    expect(again.errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');
  });

  it('lists the approval steps during parliamentary review only, each accepted, the rest refused', async () => {
    const created = (
      await server.ok(
        `mutation ($input: CreateAgreementInput!) { createAgreement(input: $input) { id ${PARTIES} } }`,
        {
          input: AgreementFactory.input({
            stage: 'SIGNED',
            stageEnteredAt: '2020-01-10T00:00:00.000Z',
            parties: [
              { code: 'US', name: 'United States', approvalRequired: false },
              {
                code: 'KR',
                name: 'Republic of Korea',
                legislature: 'National Assembly',
                approvalRequired: true,
              },
            ],
          }),
        },
      )
    ).createAgreement;
    expect(party(created, 'KR').availableApprovalSteps).toEqual([]);
    const submitted = (
      await server.ok(
        `mutation ($id: ID!) { advanceAgreement(input: { agreementId: $id, action: SUBMIT_FOR_APPROVAL }) { ${PARTIES} } }`,
        { id: created.id },
      )
    ).advanceAgreement;
    expect(party(submitted, 'US').availableApprovalSteps).toEqual([]);
    const fromPending = party(submitted, 'KR').availableApprovalSteps;
    expect(fromPending).toEqual(APPROVAL_STEPS.filter((s) => s !== ApprovalStatus.PENDING));

    const step = (status: string) =>
      server.gql(
        `mutation ($id: ID!, $status: ApprovalStatus!) { recordApprovalStep(input: { agreementId: $id, partyCode: "KR", status: $status }) { stage ${PARTIES} } }`,
        { id: created.id, status },
      );
    // REJECTED is not listed from PENDING, and is refused.
    expect((await step('REJECTED')).errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');
    const inCommittee = (await step('IN_COMMITTEE')).data!.recordApprovalStep;
    expect(party(inCommittee, 'KR').availableApprovalSteps).toEqual([
      ApprovalStatus.COMMITTEE_APPROVED,
      ApprovalStatus.APPROVED,
      ApprovalStatus.REJECTED,
    ]);
    expect((await step('SUBMITTED')).errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');
    const approved = (await step('APPROVED')).data!.recordApprovalStep;
    expect(approved.stage).toBe('RATIFIED');
    expect(party(approved, 'KR').availableApprovalSteps).toEqual([]);
  });
});
