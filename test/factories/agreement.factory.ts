import type { GraphQLClient } from '../support/pages.js';

/** The fields every test reads back from an agreement. */
export const AGREEMENT_FIELDS = `
  id title shortTitle kind summary termYears predecessorId stage stageEnteredAt version
  availableActions createdAt updatedAt
  parties { code name legislature approvalRequired approvalStatus approvalUpdatedAt votesFor votesAgainst abstentions }
`;

export const EVENT_FIELDS = `
  sequence cursor agreementId type action fromStage toStage partyCode approvalStatus
  votesFor votesAgainst abstentions occurredAt recordedAt actor note sourceUrl changedFields
`;

export interface PartyInput {
  code: string;
  name: string;
  legislature?: string | null;
  approvalRequired: boolean;
  weight?: number | null;
  bodies?: string[] | null;
}

export interface CreateAgreementInput {
  title: string;
  kind: string;
  parties: PartyInput[];
  shortTitle?: string | null;
  summary?: string | null;
  termYears?: number | null;
  predecessorId?: string | null;
  stage?: string | null;
  stageEnteredAt?: string | null;
  note?: string | null;
  sourceUrl?: string | null;
  entryIntoForce?: Record<string, unknown> | null;
  withdrawalNoticeMonths?: number | null;
  expiresAt?: string | null;
}

let counter = 0;

/** createAgreement inputs and agreements, with defaults a test overrides where it matters. */
export const AgreementFactory = {
  input(overrides: Partial<CreateAgreementInput> = {}): CreateAgreementInput {
    counter += 1;
    return {
      title: `Test agreement ${counter}`,
      kind: 'TREATY',
      parties: [
        { code: 'US', name: 'United States', approvalRequired: false },
        {
          code: 'KR',
          name: 'Republic of Korea',
          legislature: 'National Assembly',
          approvalRequired: true,
        },
      ],
      ...overrides,
    };
  },

  /** Creates an agreement through the API (as ADMIN, so any stage may be given). */
  async create(server: GraphQLClient, overrides: Partial<CreateAgreementInput> = {}): Promise<any> {
    const data = await server.ok(
      `mutation ($input: CreateAgreementInput!) { createAgreement(input: $input) { ${AGREEMENT_FIELDS} } }`,
      { input: AgreementFactory.input(overrides) },
    );
    return data.createAgreement;
  },
};

/** A treaty whose party RU has two bodies (New START, 2010): the specs of domestic procedures. */
export const DUMA = 'https://www.reuters.com/article/us-russia-usa-start-duma';
export const NEW_START: Partial<CreateAgreementInput> = {
  title: 'Treaty on Measures for the Further Reduction and Limitation of Strategic Offensive Arms',
  shortTitle: 'New START',
  stage: 'PARLIAMENTARY_REVIEW',
  stageEnteredAt: '2010-05-13T00:00:00.000Z',
  parties: [
    { code: 'US', name: 'United States', legislature: 'Senate', approvalRequired: true },
    {
      code: 'RU',
      name: 'Russian Federation',
      legislature: 'Federal Assembly',
      approvalRequired: true,
      bodies: ['State Duma', 'Federation Council'],
    },
  ],
};
