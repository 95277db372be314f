import { describe as group, expect, it } from '@jest/globals';
import {
  describe,
  describeRule,
  describeStep,
  figures,
  label,
  legalDate,
  safeUrl,
  stepKind,
  tally,
  type ProcedureStep,
} from '../../web/src/format.js';

const event = (fields: object) =>
  ({
    sequence: 1,
    cursor: 'c',
    occurredAt: '2021-03-07T00:00:00.000Z',
    actor: 'demo',
    ...fields,
  }) as Parameters<typeof describe>[0];

group('how the web app words and dates things', () => {
  it('keeps a legal date on its calendar day, whatever the reader’s time zone', () => {
    // Midnight UTC is the evening before in New York: the day must stay the 7th.
    expect(legalDate('2021-03-07T00:00:00.000Z', 'en-US')).toBe('Mar 7, 2021');
    expect(legalDate('2021-03-07T00:00:00.000Z', 'de-DE')).toBe('07.03.2021');
    expect(legalDate(null)).toBe('');
  });

  it('links a source only when it is http(s)', () => {
    expect(safeUrl('https://example.org/a?b=1')).toBe('https://example.org/a?b=1');
    expect(safeUrl('HTTP://example.org')).toBe('HTTP://example.org');
    for (const url of ['javascript:alert(1)', 'data:text/html,x', ' https://x', '//evil.example']) {
      expect(safeUrl(url)).toBe('#');
    }
  });

  it('labels enum values as words', () => {
    expect(label('PARLIAMENTARY_REVIEW')).toBe('Parliamentary review');
    expect(label(null)).toBe('');
  });

  it('says what each event did, in a sentence', () => {
    expect(
      describe(
        event({
          type: 'STAGE_CHANGED',
          action: 'SIGN',
          fromStage: 'AGREEMENT_IN_PRINCIPLE',
          toStage: 'SIGNED',
        }),
      ),
    ).toBe('Agreement in principle → Signed (Sign).');
    expect(
      describe(
        event({
          type: 'APPROVAL_UPDATED',
          partyCode: 'KR',
          approvalStatus: 'APPROVED',
          votesFor: 179,
          votesAgainst: 2,
          abstentions: 6,
        }),
      ),
    ).toBe('KR approved it, 179 for, 2 against, 6 abstaining.');
    expect(
      describe(
        event({
          type: 'PARTY_UPDATED',
          partyCode: 'DE',
          partyAction: 'CONSENT',
          consentMeans: 'RATIFICATION',
        }),
      ),
    ).toBe('DE consented to be bound by ratification.');
    expect(describe(event({ type: 'DETAILS_UPDATED', changedFields: ['summary'] }))).toBe(
      'Details updated: summary.',
    );
    expect(describe(event({ type: 'PARTY_ADDED', partyCode: 'PL' }))).toBe(
      'PL joined the parties.',
    );
  });

  it('words a step of a domestic procedure as the server does, without the agreement’s title', () => {
    // The server's sentences (src/events/event-sentence.ts, test/procedures.e2e-spec.ts) are
    // "New START: the State Duma of RU approved it, 350 for, 58 against, 2 abstaining." and
    // "Lisbon: the referendum in Ireland (IE) rejected it, 46.6% yes, turnout 53.1%."
    const parties: Record<string, { name: string; legislature: string | null }> = {
      RU: { name: 'Russian Federation', legislature: 'Federal Assembly' },
      IE: { name: 'Ireland', legislature: null },
      KR: { name: 'Republic of Korea', legislature: 'National Assembly' },
      XX: { name: 'Nowhere', legislature: null },
    };
    const partyOf = (code: string) => parties[code];
    const step = (fields: object) =>
      describe(
        event({ type: 'APPROVAL_UPDATED', stepKind: 'VOTE', attempt: 1, ...fields }),
        partyOf,
      );
    expect(
      step({
        partyCode: 'RU',
        body: 'State Duma',
        approvalStatus: 'APPROVED',
        partyApprovalStatus: 'SUBMITTED',
        votesFor: 350,
        votesAgainst: 58,
        abstentions: 2,
      }),
    ).toBe('The State Duma of RU approved it, 350 for, 58 against, 2 abstaining.');
    expect(step({ partyCode: 'RU', body: 'Federation Council', approvalStatus: 'SUBMITTED' })).toBe(
      'The Federation Council of RU received it for approval.',
    );
    const referendum = { partyCode: 'IE', body: 'Electorate', stepKind: 'REFERENDUM' };
    expect(
      step({
        ...referendum,
        approvalStatus: 'REJECTED',
        yesPercent: 46.6,
        turnoutPercent: 53.1,
        binding: true,
      }),
    ).toBe('The referendum in Ireland rejected it, 46.6% yes, turnout 53.1%.');
    expect(
      step({
        ...referendum,
        approvalStatus: 'APPROVED',
        yesPercent: 67.1,
        turnoutPercent: 59,
        attempt: 2,
      }),
    ).toBe('The referendum in Ireland approved it, 67.1% yes, turnout 59% (attempt 2).');
    expect(
      step({
        ...referendum,
        approvalStatus: 'APPROVED',
        yesPercent: 51,
        turnoutPercent: 40,
        binding: false,
      }),
    ).toBe('The advisory referendum in Ireland approved it, 51% yes, turnout 40%.');
    expect(
      step({
        partyCode: 'RU',
        body: 'Constitutional Court',
        stepKind: 'COURT_REVIEW',
        approvalStatus: 'APPROVED',
      }),
    ).toBe('The Constitutional Court of RU approved it.');
    // A party with no legislature named has the server's default body: the party is named.
    expect(step({ partyCode: 'XX', body: 'Legislature', approvalStatus: 'REJECTED' })).toBe(
      'Nowhere rejected it.',
    );
    // A step recorded before bodies were, and a reset by the server, name no body: the
    // party's legislature is named, as the server names it.
    expect(
      step({
        partyCode: 'KR',
        body: null,
        stepKind: null,
        attempt: null,
        approvalStatus: 'PENDING',
      }),
    ).toBe('The National Assembly of KR has it pending.');
    // Without the party's name (the list page): its code.
    expect(
      describe(event({ type: 'APPROVAL_UPDATED', ...referendum, approvalStatus: 'SUBMITTED' })),
    ).toBe('The referendum in IE received it for approval.');
  });

  it('words each step of a procedure: its kind, what it did, its tally or figures', () => {
    const vote: ProcedureStep = {
      sequence: 7,
      body: 'State Duma',
      kind: 'VOTE',
      status: 'APPROVED',
      partyApprovalStatus: 'SUBMITTED',
      attempt: 1,
      votesFor: 350,
      votesAgainst: 58,
      abstentions: 2,
      yesPercent: null,
      turnoutPercent: null,
      binding: null,
      occurredAt: '2011-01-25T00:00:00.000Z',
      note: null,
      sourceUrl: null,
    };
    const uncounted = { votesFor: null, votesAgainst: null, abstentions: null };
    const referendum: ProcedureStep = {
      ...vote,
      ...uncounted,
      body: 'Electorate',
      kind: 'REFERENDUM',
      yesPercent: 67.1,
      turnoutPercent: 59,
      binding: true,
    };
    expect(describeStep(vote)).toBe('Vote: approved, 350 for, 58 against, 2 abstaining');
    expect(describeStep({ ...vote, ...uncounted, status: 'IN_COMMITTEE' })).toBe(
      'Vote: in committee',
    );
    expect(describeStep(referendum)).toBe('Referendum: approved, 67.1% yes, turnout 59%');
    expect(describeStep({ ...referendum, binding: false })).toBe(
      'Advisory referendum: approved, 67.1% yes, turnout 59%',
    );
    expect(
      describeStep({ ...referendum, status: 'SUBMITTED', yesPercent: null, turnoutPercent: null }),
    ).toBe('Referendum: submitted');
    expect(stepKind({ kind: 'EXECUTIVE_DECISION' })).toBe('Executive decision');
    expect(stepKind({ kind: 'PROMULGATION', binding: null })).toBe('Promulgation');
    expect(figures({ yesPercent: 46.6, turnoutPercent: 53.1 })).toBe('46.6% yes, turnout 53.1%');
    expect(figures({ votesFor: 137, votesAgainst: 0, abstentions: 0 })).toBe(
      '137 for, 0 against, 0 abstaining',
    );
    expect(figures({})).toBe('');
  });

  it('words a tally, leaving out what was not counted', () => {
    expect(tally({ votesFor: 10, votesAgainst: null, abstentions: 0 })).toBe(
      '10 for, 0 abstaining',
    );
    expect(tally({})).toBe('');
  });

  it('words each kind of entry-into-force clause', () => {
    expect(
      describeRule({ kind: 'THRESHOLD', instruments: 60, daysAfter: 60, monthStart: true }),
    ).toBe(
      'In force after 60 instruments of consent, on the first day of the month after 60 days.',
    );
    expect(describeRule({ kind: 'THRESHOLD', instruments: 55, share: 55, daysAfter: 30 })).toBe(
      'In force after 55 instruments of consent, parties weighing 55% in all, 30 days later.',
    );
    expect(describeRule({ kind: 'ALL_PARTIES', daysAfter: 0 })).toBe(
      'In force once every party has consented, on that day.',
    );
    expect(describeRule({ kind: 'FIXED_DATE', date: '2030-01-01T00:00:00.000Z' })).toMatch(
      /^In force on /,
    );
    expect(describeRule({ kind: 'MANUAL' })).toMatch(/administrator/);
  });
});
