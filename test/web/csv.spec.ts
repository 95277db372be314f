import { describe, expect, it } from '@jest/globals';
import { cell, csvName, partiesCsv, type PartyRow } from '../../web/src/csv.js';

const KR: PartyRow = {
  code: 'KR',
  name: 'Republic of Korea',
  status: 'CONSENTED',
  signedAt: '2021-04-08T00:00:00.000Z',
  consentedAt: '2021-09-01T00:00:00.000Z',
  consentMeans: 'RATIFICATION',
  consentReference: 'C.N.12.2021, "Korea"',
  inForceFrom: null,
  provisionalApplicationFrom: null,
  withdrawalNoticeAt: null,
  withdrawalEffectiveAt: null,
  approvalRequired: true,
  approvalStatus: 'APPROVED',
  votesFor: 179,
  votesAgainst: 2,
  abstentions: 6,
  legislature: 'National Assembly',
  bodies: ['National Assembly'],
  currentBody: null,
  approvalAttempt: 1,
};

/** Bicameral, in its second attempt, now at its second chamber. */
const RU: PartyRow = {
  ...KR,
  code: 'RU',
  name: 'Russian Federation',
  status: 'SIGNATORY',
  consentedAt: null,
  consentMeans: null,
  consentReference: null,
  approvalStatus: 'SUBMITTED',
  votesFor: 350,
  votesAgainst: 58,
  abstentions: 2,
  legislature: 'Federal Assembly',
  bodies: ['State Duma', 'Federation Council'],
  currentBody: 'Federation Council',
  approvalAttempt: 2,
};

/** Needs no approval: no bodies, no attempt in the file, though the API lists a body for it. */
const US: PartyRow = {
  ...KR,
  code: 'US',
  name: 'United States',
  consentReference: null,
  approvalRequired: false,
  approvalStatus: 'NOT_REQUIRED',
  votesFor: null,
  votesAgainst: null,
  abstentions: null,
  legislature: null,
  bodies: ['Legislature'],
  currentBody: null,
};

describe('the party table as CSV', () => {
  it('has a header and one line per party, dates as days, quoted where needed, bodies in order', () => {
    const csv = partiesCsv([KR, RU, US]);
    const [header, kr, ru, us, end] = csv.split('\r\n');
    expect(header.split(',')).toHaveLength(20);
    expect(header.startsWith('code,name,status,signature,consent,')).toBe(true);
    expect(header.endsWith(',legislature,bodies,current_body,approval_attempt')).toBe(true);
    expect(kr).toBe(
      'KR,Republic of Korea,CONSENTED,2021-04-08,2021-09-01,RATIFICATION,"C.N.12.2021, ""Korea""",,,,,true,APPROVED,179,2,6,National Assembly,National Assembly,,1',
    );
    expect(ru).toBe(
      'RU,Russian Federation,SIGNATORY,2021-04-08,,,,,,,,true,SUBMITTED,350,58,2,Federal Assembly,State Duma; Federation Council,Federation Council,2',
    );
    expect(us).toBe(
      'US,United States,CONSENTED,2021-04-08,2021-09-01,RATIFICATION,,,,,,false,NOT_REQUIRED,,,,,,,',
    );
    expect(end).toBe('');
  });

  it('never lets a spreadsheet run a cell as a formula', () => {
    expect(cell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(cell('+1')).toBe("'+1");
    expect(cell('-2')).toBe("'-2");
    expect(cell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(cell(-2)).toBe('-2');
    expect(cell('line\nbreak')).toBe('"line\nbreak"');
  });

  it('names the file after the agreement', () => {
    expect(csvName('11th SMA')).toBe('11th-sma-parties.csv');
    expect(csvName('Accord de Paris — Révision')).toBe('accord-de-paris-revision-parties.csv');
    expect(csvName('///')).toBe('agreement-parties.csv');
  });
});
