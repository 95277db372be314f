import { describe as group, expect, it } from '@jest/globals';
import { describe, describeRule, label, legalDate, safeUrl, tally } from '../../web/src/format.js';

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
    ).toBe('KR approved it (179 for, 2 against, 6 abstaining).');
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
