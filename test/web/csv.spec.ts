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
};

describe('the party table as CSV', () => {
  it('has a header and one line per party, dates as days, quoted where needed', () => {
    const csv = partiesCsv([KR]);
    const [header, row, end] = csv.split('\r\n');
    expect(header.split(',')).toHaveLength(17);
    expect(header.startsWith('code,name,status,signature,consent,')).toBe(true);
    expect(row).toBe(
      'KR,Republic of Korea,CONSENTED,2021-04-08,2021-09-01,RATIFICATION,"C.N.12.2021, ""Korea""",,,,,true,APPROVED,179,2,6,National Assembly',
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
