import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PARTY_TRANSITIONS } from '../src/workflow/index.js';
import { AgreementFactory, EVENT_FIELDS } from './factories/agreement.factory.js';
import { TestServer } from './support/server.js';

const PARTY_FIELDS = `code status weight signedAt consentMeans consentedAt consentReference inForceFrom
  withdrawalNoticeAt withdrawalEffectiveAt provisionalApplicationFrom approvalStatus`;
const FIELDS = `id stage version signedAt withdrawalNoticeMonths parties { ${PARTY_FIELDS} }`;
const PARTY_EVENT_FIELDS = `${EVENT_FIELDS} partyAction partyStatus consentMeans reference`;
const ACT = `mutation ($input: RecordPartyActionInput!) { recordPartyAction(input: $input) { ${FIELDS} } }`;
const ADD = `mutation ($input: AddPartyInput!) { addParty(input: $input) { ${FIELDS} } }`;
const ADVANCE = `mutation ($input: AdvanceAgreementInput!) { advanceAgreement(input: $input) { ${FIELDS} } }`;
const STEP = `mutation ($input: RecordApprovalStepInput!) { recordApprovalStep(input: $input) { ${FIELDS} } }`;

const THREE = [
  { code: 'FR', name: 'France', approvalRequired: false, weight: 10 },
  { code: 'DE', name: 'Germany', approvalRequired: false, weight: 20 },
  {
    code: 'IT',
    name: 'Italy',
    legislature: 'Parlamento',
    approvalRequired: true,
    weight: 30.5,
  },
];

const partyOf = (agreement: any, code: string) =>
  agreement.parties.find((party: any) => party.code === code);

describe("each party's path to being bound, over HTTP and WebSocket", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: true });
  });
  afterAll(() => server.dispose());

  const create = async (overrides: Parameters<typeof AgreementFactory.input>[0]) =>
    (
      await server.ok(
        `mutation ($input: CreateAgreementInput!) { createAgreement(input: $input) { ${FIELDS} } }`,
        { input: AgreementFactory.input(overrides) },
      )
    ).createAgreement;

  /** A three-party agreement opened for signature on 2020-01-10. */
  const signedTreaty = async () =>
    create({
      parties: THREE,
      stage: 'SIGNED',
      stageEnteredAt: '2020-01-10T00:00:00.000Z',
    });

  const act = async (input: Record<string, unknown>) =>
    (await server.ok(ACT, { input })).recordPartyAction;

  const events = async (id: string) =>
    (
      await server.ok(
        `query ($id: ID!) { agreement(id: $id) { timeline(first: 100) { edges { node { ${PARTY_EVENT_FIELDS} } } } } }`,
        { id },
      )
    ).agreement.timeline.edges.map((edge: any) => edge.node);

  /** Sends the request, expects exactly one error with `code`, and that nothing was written. */
  const refused = async (id: string, query: string, input: Record<string, unknown>) => {
    const before = await server.ok(`query ($id: ID!) { agreement(id: $id) { ${FIELDS} } }`, { id });
    const logged = (await events(id)).length;
    const result = await server.gql(query, { input });
    expect(result.errors).toHaveLength(1);
    const after = await server.ok(`query ($id: ID!) { agreement(id: $id) { ${FIELDS} } }`, { id });
    expect(after).toEqual(before);
    expect(await events(id)).toHaveLength(logged);
    return result.errors![0];
  };

  it('serves the party table the server enforces as workflow.partyTransitions', async () => {
    const { workflow } = await server.ok(
      `{ workflow { partyStatuses partyTransitions { action from to guard derived when } } }`,
    );
    expect(workflow.partyStatuses).toEqual([
      'NEGOTIATING',
      'SIGNATORY',
      'CONSENTED',
      'PARTY',
      'WITHDRAWING',
      'WITHDRAWN',
      'NOT_INTENDING',
    ]);
    expect(workflow.partyTransitions).toHaveLength(PARTY_TRANSITIONS.length);
    expect(workflow.partyTransitions).toContainEqual({
      action: 'PARTY_IN_FORCE',
      from: ['CONSENTED'],
      to: 'PARTY',
      guard: null,
      derived: true,
      when: expect.stringContaining('in force for it'),
    });
    expect(workflow.partyTransitions).toContainEqual(
      expect.objectContaining({
        action: 'CONSENT',
        from: ['NEGOTIATING', 'SIGNATORY', 'NOT_INTENDING', 'WITHDRAWN'],
        guard: expect.stringContaining('APPROVED'),
        derived: false,
      }),
    );
  });

  it('records signatures and consents, each one PARTY_UPDATED event pushed to partyUpdated', async () => {
    const treaty = await signedTreaty();
    expect(treaty.signedAt).toBe('2020-01-10T00:00:00.000Z');
    expect(treaty.parties.map((party: any) => [party.code, party.status, party.weight])).toEqual([
      ['FR', 'NEGOTIATING', 10],
      ['DE', 'NEGOTIATING', 20],
      ['IT', 'NEGOTIATING', 30.5],
    ]);
    const germany = await server.subscribe(
      `subscription ($id: ID, $code: String) { partyUpdated(agreementId: $id, partyCode: $code) { ${PARTY_EVENT_FIELDS} } }`,
      { id: treaty.id, code: 'de' },
    );
    const everyParty = await server.subscribe(
      `subscription ($id: ID) { partyUpdated(agreementId: $id) { partyCode partyAction partyStatus } }`,
      { id: treaty.id },
    );

    const signed = await act({
      agreementId: treaty.id,
      partyCode: 'FR',
      action: 'SIGN',
      occurredAt: '2020-02-01T00:00:00.000Z',
      expectedVersion: treaty.version,
    });
    expect(partyOf(signed, 'FR')).toMatchObject({
      status: 'SIGNATORY',
      signedAt: '2020-02-01T00:00:00.000Z',
    });
    expect(signed.version).toBe(treaty.version + 1);

    const consented = await act({
      agreementId: treaty.id,
      partyCode: 'DE',
      action: 'CONSENT',
      means: 'ACCESSION',
      reference: 'C.N.12.2020.TREATIES-1',
      occurredAt: '2020-03-01T00:00:00.000Z',
      note: 'Instrument deposited',
      sourceUrl: 'https://example.org/depositary/cn-12-2020',
    });
    expect(partyOf(consented, 'DE')).toMatchObject({
      status: 'CONSENTED',
      consentMeans: 'ACCESSION',
      consentedAt: '2020-03-01T00:00:00.000Z',
      consentReference: 'C.N.12.2020.TREATIES-1',
      signedAt: null,
      inForceFrom: null,
    });

    const [pushed] = await germany.take(1);
    expect(pushed.partyUpdated).toMatchObject({
      type: 'PARTY_UPDATED',
      agreementId: treaty.id,
      partyCode: 'DE',
      partyAction: 'CONSENT',
      partyStatus: 'CONSENTED',
      consentMeans: 'ACCESSION',
      reference: 'C.N.12.2020.TREATIES-1',
      occurredAt: '2020-03-01T00:00:00.000Z',
      actor: 'ADMIN_TOKEN',
      note: 'Instrument deposited',
      sourceUrl: 'https://example.org/depositary/cn-12-2020',
    });
    expect((await everyParty.take(2)).map((event: any) => event.partyUpdated)).toEqual([
      { partyCode: 'FR', partyAction: 'SIGN', partyStatus: 'SIGNATORY' },
      { partyCode: 'DE', partyAction: 'CONSENT', partyStatus: 'CONSENTED' },
    ]);
    expect(germany.received).toHaveLength(1);
    await germany.close();
    await everyParty.close();

    const found = async (args: string) =>
      (
        await server.ok(`{ agreements(${args}, first: 100) { edges { node { id } } } }`)
      ).agreements.edges.map((edge: any) => edge.node.id);
    expect(await found('partyCode: "FR", partyStatus: SIGNATORY')).toEqual([treaty.id]);
    expect(await found('partyCode: "DE", partyStatus: SIGNATORY')).toEqual([]);
    expect(await found('partyStatus: CONSENTED')).toContain(treaty.id);
    expect(await found('partyCode: "IT", partyStatus: NEGOTIATING')).toEqual([treaty.id]);
  });

  it('refuses what the table, a guard or the dates refuse, naming why, and writes nothing', async () => {
    const treaty = await signedTreaty();
    const id = treaty.id;

    const early = await refused(id, ACT, {
      agreementId: id,
      partyCode: 'IT',
      action: 'CONSENT',
      means: 'RATIFICATION',
    });
    expect(early.extensions).toEqual({
      code: 'INVALID_TRANSITION',
      partyCode: 'IT',
      partyStatus: 'NEGOTIATING',
      partyAction: 'CONSENT',
      reason: expect.stringContaining('approval first'),
    });

    const withoutMeans = await refused(id, ACT, {
      agreementId: id,
      partyCode: 'FR',
      action: 'CONSENT',
    });
    expect(withoutMeans.extensions?.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(withoutMeans.extensions?.fields as object)).toEqual(['means']);

    const move = await refused(id, ACT, {
      agreementId: id,
      partyCode: 'FR',
      action: 'PARTY_IN_FORCE',
    });
    expect(move.extensions).toMatchObject({
      code: 'INVALID_TRANSITION',
      partyAction: 'PARTY_IN_FORCE',
    });
    expect(move.extensions?.reason).toContain('never requested');

    const notice = await refused(id, ACT, {
      agreementId: id,
      partyCode: 'FR',
      action: 'GIVE_WITHDRAWAL_NOTICE',
    });
    expect(notice.extensions).toMatchObject({
      code: 'INVALID_TRANSITION',
      partyStatus: 'NEGOTIATING',
      reason: 'GIVE_WITHDRAWAL_NOTICE is possible only for a party that is PARTY',
    });

    const beforeSignature = await refused(id, ACT, {
      agreementId: id,
      partyCode: 'FR',
      action: 'SIGN',
      occurredAt: '2019-12-31T00:00:00.000Z',
    });
    expect(beforeSignature.extensions?.fields).toEqual({
      occurredAt: expect.stringContaining('before the agreement was signed'),
    });

    const unknown = await refused(id, ACT, { agreementId: id, partyCode: 'JP', action: 'SIGN' });
    expect(unknown.extensions?.code).toBe('NOT_FOUND');
    expect(unknown.message).toContain('FR, DE, IT');

    const stale = await refused(id, ACT, {
      agreementId: id,
      partyCode: 'FR',
      action: 'SIGN',
      expectedVersion: treaty.version + 5,
    });
    expect(stale.extensions?.code).toBe('VERSION_CONFLICT');

    const notOpen = await AgreementFactory.create(server, { parties: THREE });
    const negotiating = await refused(notOpen.id, ACT, {
      agreementId: notOpen.id,
      partyCode: 'FR',
      action: 'SIGN',
    });
    expect(negotiating.extensions).toMatchObject({
      code: 'INVALID_TRANSITION',
      reason: 'party actions are possible once the agreement is SIGNED, and it is NEGOTIATION',
    });

    const anonymous = await server.gql(
      ACT,
      { input: { agreementId: id, partyCode: 'FR', action: 'SIGN' } },
      null,
    );
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('records a retried action once (idempotencyKey)', async () => {
    const treaty = await signedTreaty();
    const input = {
      agreementId: treaty.id,
      partyCode: 'FR',
      action: 'SIGN',
      idempotencyKey: 'sign-fr-1',
    };
    const first = await act(input);
    const again = await act(input);
    expect(again).toEqual(first);
    const signatures = (await events(treaty.id)).filter(
      (event: any) => event.partyAction === 'SIGN',
    );
    expect(signatures).toHaveLength(1);
  });

  it('under MANUAL, ratification consents the parties and entry into force binds them (the demo SMA)', async () => {
    const { agreements } = await server.ok(
      `{ agreements(search: "11th sma") { edges { node { id version } } } }`,
    );
    const { id } = agreements.edges[0].node;
    await server.ok(ADVANCE, {
      input: { agreementId: id, action: 'SIGN', occurredAt: '2021-04-08T00:00:00.000Z' },
    });
    await server.ok(ADVANCE, {
      input: {
        agreementId: id,
        action: 'SUBMIT_FOR_APPROVAL',
        occurredAt: '2021-04-09T00:00:00.000Z',
      },
    });
    const ratified = (
      await server.ok(STEP, {
        input: {
          agreementId: id,
          partyCode: 'KR',
          status: 'APPROVED',
          occurredAt: '2021-09-01T00:00:00.000Z',
        },
      })
    ).recordApprovalStep;
    expect(ratified.stage).toBe('RATIFIED');
    expect(ratified.signedAt).toBe('2021-04-08T00:00:00.000Z');
    expect(
      ratified.parties.map((party: any) => [party.code, party.status, party.consentedAt]),
    ).toEqual([
      ['US', 'CONSENTED', '2021-09-01T00:00:00.000Z'],
      ['KR', 'CONSENTED', '2021-09-01T00:00:00.000Z'],
    ]);
    const inForce = (
      await server.ok(ADVANCE, {
        input: {
          agreementId: id,
          action: 'ENTER_INTO_FORCE',
          occurredAt: '2021-09-03T00:00:00.000Z',
        },
      })
    ).advanceAgreement;
    expect(
      inForce.parties.map((party: any) => [party.code, party.status, party.inForceFrom]),
    ).toEqual([
      ['US', 'PARTY', '2021-09-03T00:00:00.000Z'],
      ['KR', 'PARTY', '2021-09-03T00:00:00.000Z'],
    ]);
    const derived = (await events(id)).filter((event: any) => event.type === 'PARTY_UPDATED');
    expect(
      derived.map((event: any) => [
        event.partyCode,
        event.partyAction,
        event.partyStatus,
        event.actor,
      ]),
    ).toEqual([
      ['US', 'CONSENT', 'CONSENTED', 'system'],
      ['KR', 'CONSENT', 'CONSENTED', 'system'],
      ['US', 'PARTY_IN_FORCE', 'PARTY', 'system'],
      ['KR', 'PARTY_IN_FORCE', 'PARTY', 'system'],
    ]);
  });

  it('adds a state that joins later, and takes its withdrawal notice and its revocation', async () => {
    const treaty = await create({
      parties: THREE.slice(0, 2),
      stage: 'IN_FORCE',
      stageEnteredAt: '2018-06-01T00:00:00.000Z',
    });
    expect(treaty.parties.map((party: any) => [party.status, party.inForceFrom])).toEqual([
      ['PARTY', '2018-06-01T00:00:00.000Z'],
      ['PARTY', '2018-06-01T00:00:00.000Z'],
    ]);
    const joined = (
      await server.ok(ADD, {
        input: {
          agreementId: treaty.id,
          party: { code: 'pl', name: 'Poland', approvalRequired: false },
          occurredAt: '2019-01-01T00:00:00.000Z',
        },
      })
    ).addParty;
    expect(partyOf(joined, 'PL')).toMatchObject({
      status: 'NEGOTIATING',
      approvalStatus: 'NOT_REQUIRED',
    });
    expect(joined.version).toBe(treaty.version + 1);
    const acceded = await act({
      agreementId: treaty.id,
      partyCode: 'PL',
      action: 'CONSENT',
      means: 'ACCESSION',
      occurredAt: '2019-02-01T00:00:00.000Z',
    });
    // In force already, under MANUAL: bound from its own consent.
    expect(partyOf(acceded, 'PL')).toMatchObject({
      status: 'PARTY',
      consentMeans: 'ACCESSION',
      inForceFrom: '2019-02-01T00:00:00.000Z',
    });
    const added = (await events(treaty.id)).find((event: any) => event.type === 'PARTY_ADDED');
    expect(added).toMatchObject({
      partyCode: 'PL',
      partyStatus: 'NEGOTIATING',
      occurredAt: '2019-01-01T00:00:00.000Z',
    });

    const twice = await refused(treaty.id, ADD, {
      agreementId: treaty.id,
      party: { code: 'PL', name: 'Poland', approvalRequired: false },
    });
    expect(twice.extensions?.fields).toEqual({
      'party.code': 'PL is already a party to this agreement',
    });

    // A notice of 2020-02-29 took effect twelve months later, on the last day of February: the
    // move is made at once, and the agreement, among three parties, stays in force.
    const left = await act({
      agreementId: treaty.id,
      partyCode: 'DE',
      action: 'GIVE_WITHDRAWAL_NOTICE',
      occurredAt: '2020-02-29T00:00:00.000Z',
    });
    expect(left.stage).toBe('IN_FORCE');
    expect(partyOf(left, 'DE')).toMatchObject({
      status: 'WITHDRAWN',
      withdrawalNoticeAt: '2020-02-29T00:00:00.000Z',
      withdrawalEffectiveAt: '2021-02-28T00:00:00.000Z',
    });
    const effect = (await events(treaty.id)).at(-1);
    expect(effect).toMatchObject({
      partyCode: 'DE',
      partyAction: 'WITHDRAWAL_EFFECTIVE',
      partyStatus: 'WITHDRAWN',
      occurredAt: '2021-02-28T00:00:00.000Z',
      actor: 'system',
    });
    const tooSoon = await refused(treaty.id, ACT, {
      agreementId: treaty.id,
      partyCode: 'FR',
      action: 'GIVE_WITHDRAWAL_NOTICE',
      withdrawalEffectiveAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(tooSoon.extensions?.fields).toEqual({
      withdrawalEffectiveAt: expect.stringContaining('12 months'),
    });
    const notice = await server.ok(
      `mutation ($input: RecordPartyActionInput!) { recordPartyAction(input: $input) { ${FIELDS} scheduled { kind partyCode at } } }`,
      {
        input: {
          agreementId: treaty.id,
          partyCode: 'FR',
          action: 'GIVE_WITHDRAWAL_NOTICE',
          withdrawalEffectiveAt: '2099-01-01T00:00:00.000Z',
        },
      },
    );
    expect(partyOf(notice.recordPartyAction, 'FR')).toMatchObject({ status: 'WITHDRAWING' });
    expect(notice.recordPartyAction.scheduled).toEqual([
      { kind: 'WITHDRAWAL_EFFECTIVE', partyCode: 'FR', at: '2099-01-01T00:00:00.000Z' },
    ]);
    const revoked = await server.ok(
      `mutation ($input: RecordPartyActionInput!) { recordPartyAction(input: $input) { ${FIELDS} scheduled { kind } } }`,
      { input: { agreementId: treaty.id, partyCode: 'FR', action: 'REVOKE_WITHDRAWAL_NOTICE' } },
    );
    expect(partyOf(revoked.recordPartyAction, 'FR')).toMatchObject({
      status: 'PARTY',
      withdrawalNoticeAt: null,
      withdrawalEffectiveAt: null,
    });
    expect(revoked.recordPartyAction.scheduled).toEqual([]);

    const ended = await AgreementFactory.create(server, {
      stage: 'EXPIRED',
      stageEnteredAt: '2019-12-31T00:00:00.000Z',
    });
    const closed = await refused(ended.id, ADD, {
      agreementId: ended.id,
      party: { code: 'JP', name: 'Japan', approvalRequired: false },
    });
    expect(closed.extensions).toMatchObject({ code: 'INVALID_TRANSITION', stage: 'EXPIRED' });
  });
});
