import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ErrorCode } from '../common/domain-error.js';
import { ConsentMeans as M, PartyAction as A } from '../workflow/index.js';
import {
  actionsInDateOrder,
  MAX_STATUS_ROWS,
  MAX_STATUS_TABLE_BYTES,
  parseStatusTable,
  UN_SUFFIXES,
  type StatusRow,
} from './un-status-table.js';

const NOW = new Date('2024-06-01T12:00:00Z');
const HEADER = 'code,participant,signature,consent';

const parse = (text: string) => parseStatusTable(text, { now: NOW });
/** The header, then `lines`: the first of them is line 2. */
const table = (...lines: string[]) => [HEADER, ...lines].join('\n');
/** The one row of a table of one line. */
const row = (line: string) => parse(table(line)).rows[0];
const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

const badInput = (fields: unknown) =>
  expect.objectContaining({ code: ErrorCode.BAD_USER_INPUT, details: { fields } });
const has = (text: string) => expect.stringContaining(text);

describe('parseStatusTable', () => {
  it('reads the rows in file order, with their lines, codes upper-cased, dates at midnight UTC', () => {
    const { rows } = parse(
      table(
        'US,United States of America,22 Apr 2016,3 Sep 2016 A',
        '',
        'kr,Republic of Korea,22 Apr 2016,',
      ),
    );
    const expected: StatusRow[] = [
      {
        line: 2,
        code: 'US',
        name: 'United States of America',
        signedAt: day('2016-04-22'),
        consentedAt: day('2016-09-03'),
        means: M.ACCEPTANCE,
      },
      {
        line: 4,
        code: 'KR',
        name: 'Republic of Korea',
        signedAt: day('2016-04-22'),
        consentedAt: null,
        means: null,
      },
    ];
    expect(rows).toEqual(expected);
  });

  describe('consent suffixes', () => {
    it.each([
      ['', M.RATIFICATION],
      [' A', M.ACCEPTANCE],
      [' AA', M.APPROVAL],
    ])('reads "3 Sep 2016%s" after a signature as %s', (suffix, means) => {
      expect(row(`FR,France,22 Apr 2016,3 Sep 2016${suffix}`)).toMatchObject({
        signedAt: day('2016-04-22'),
        consentedAt: day('2016-09-03'),
        means,
      });
    });

    it.each([
      [' a', M.ACCESSION],
      [' d', M.SUCCESSION],
    ])('reads "3 Sep 2016%s" without a signature as %s', (suffix, means) => {
      expect(row(`FR,France,,3 Sep 2016${suffix}`)).toMatchObject({
        signedAt: null,
        consentedAt: day('2016-09-03'),
        means,
      });
    });

    it('reads "s" as a definitive signature, which is the signature too', () => {
      expect(row('NZ,New Zealand,,3 Sep 2016 s')).toMatchObject({
        signedAt: day('2016-09-03'),
        consentedAt: day('2016-09-03'),
        means: M.DEFINITIVE_SIGNATURE,
      });
    });

    it('maps every suffix of the UN to a means, and no two to one', () => {
      expect(Object.keys(UN_SUFFIXES).sort()).toEqual(['', 'A', 'AA', 'a', 'd', 's']);
      expect(new Set(Object.values(UN_SUFFIXES)).size).toBe(6);
    });

    it.each([
      ['aa', 'AA'],
      ['Aa', 'AA'],
      ['D', 'd'],
      ['S', 's'],
    ])('refuses the suffix %s, pointing out that case matters', (suffix, meant) => {
      expect(() => parse(table(`FR,France,,3 Sep 2016 ${suffix}`))).toThrow(
        badInput({
          'line 2.consent': `"${suffix}" is not a UN suffix (case matters: ${meant}?): after the date write nothing (ratification), A (acceptance), AA (approval), a (accession), d (succession) or s (definitive signature)`,
        }),
      );
    });

    it.each(['x', '(A)', 'R', 'AAA', 'A.'])('refuses the suffix %s', (suffix) => {
      expect(() => parse(table(`FR,France,,3 Sep 2016 ${suffix}`))).toThrow(
        badInput({ 'line 2.consent': has(`${JSON.stringify(suffix)} is not a UN suffix: after`) }),
      );
    });

    it('refuses a suffix run on to the date, saying how to write it', () => {
      expect(() => parse(table('FR,France,,3 Sep 2016AA', 'DE,Germany,,2016-09-03a'))).toThrow(
        badInput({
          'line 2.consent': 'put a space between the date and its suffix: 3 Sep 2016 AA',
          'line 3.consent': 'put a space between the date and its suffix: 2016-09-03 a',
        }),
      );
    });

    it('refuses a suffix in the signature column', () => {
      expect(() => parse(table('NZ,New Zealand,3 Sep 2016 s,'))).toThrow(
        badInput({ 'line 2.signature': has('a suffix belongs in the consent column') }),
      );
    });

    it('refuses a suffix without a date', () => {
      expect(() => parse(table('FR,France,,A'))).toThrow(
        badInput({ 'line 2.consent': has('"A" is not a date') }),
      );
    });
  });

  describe('dates', () => {
    it.each([
      ['22 Apr 2016', '2016-04-22'],
      ['22 April 2016', '2016-04-22'],
      ['2016-04-22', '2016-04-22'],
      ['2 Sep 2016', '2016-09-02'],
      ['02 Sep 2016', '2016-09-02'],
      ['22 APR 2016', '2016-04-22'],
      ['22 apr 2016', '2016-04-22'],
      ['1 May 2016', '2016-05-01'],
      ['22\u00a0Apr  2016', '2016-04-22'], // a no-break space and a double space, as copied
      ['29 Feb 2024', '2024-02-29'],
      ['2000-02-29', '2000-02-29'],
      ['31 Dec 2015', '2015-12-31'],
      ['1 Jan 1800', '1800-01-01'],
      ['2 Jun 2024', '2024-06-02'], // now is 1 Jun 2024 12:00Z: tomorrow is within a day
    ])('reads %s as %s', (text, iso) => {
      expect(row(`FR,France,${text},`).signedAt).toEqual(day(iso));
      expect(row(`FR,France,,${text} A`).consentedAt).toEqual(day(iso));
    });

    it.each([
      ['30 Feb 2016', 'February 2016 has 29 days'],
      ['29 Feb 2023', 'February 2023 has 28 days'],
      ['29 Feb 1900', 'February 1900 has 28 days'],
      ['31 Apr 2016', 'April 2016 has 30 days'],
      ['2016-06-31', 'June 2016 has 30 days'],
      ['32 Jan 2016', 'January 2016 has 31 days'],
      ['0 Jan 2016', 'there is no day 0'],
      ['2016-01-00', 'there is no day 0'],
      ['2016-13-01', 'there is no month 13'],
      ['2016-00-10', 'there is no month 00'],
      ['22 Sept 2016', '"Sept" is not a month: Jan, Feb, ... Dec, or the month in full'],
      ['22 Avr 2016', '"Avr" is not a month: Jan, Feb, ... Dec, or the month in full'],
      ['April 22 2016', 'write it as the UN does, 22 Apr 2016, or as 2016-04-22'],
      ['22/04/2016', 'write it as the UN does, 22 Apr 2016, or as 2016-04-22'],
      ['2016-4-22', 'write it as the UN does, 22 Apr 2016, or as 2016-04-22'],
      ['2016-04-22T00:00:00Z', 'write it as the UN does, 22 Apr 2016, or as 2016-04-22'],
      ['22 Apr 16', 'write it as the UN does, 22 Apr 2016, or as 2016-04-22'],
      ['2016', 'write it as the UN does, 22 Apr 2016, or as 2016-04-22'],
    ])('refuses %s: %s', (text, reason) => {
      expect(() => parse(table(`FR,France,${text},`, `DE,Germany,,${text} A`))).toThrow(
        badInput({
          'line 2.signature': `${JSON.stringify(text)} is not a date: ${reason}`,
          'line 3.consent': `${JSON.stringify(text)} is not a date: ${reason}`,
        }),
      );
    });

    it('refuses a date before 1800 and one after tomorrow', () => {
      expect(() => parse(table('FR,France,31 Dec 1799,', 'DE,Germany,,3 Jun 2024'))).toThrow(
        badInput({
          'line 2.signature': '"31 Dec 1799" is before 1800, the earliest date Ratify records',
          'line 3.consent': '"3 Jun 2024" is in the future',
        }),
      );
    });

    it('takes the present from the clock by default', () => {
      const next = new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString().slice(0, 10);
      expect(() => parseStatusTable(table(`FR,France,${next},`))).toThrow(
        badInput({ 'line 2.signature': `"${next}" is in the future` }),
      );
      expect(parseStatusTable(table('FR,France,22 Apr 2016,')).rows).toHaveLength(1);
    });

    it('bounds the length of a date field before reading it', () => {
      const long = `22 Apr 2016 ${'A'.repeat(100)}`;
      expect(() => parse(table(`FR,France,${long},`, `DE,Germany,,${long}`))).toThrow(
        badInput({
          'line 2.signature': has('is not a date: write it as the UN does'),
          'line 3.consent': has('is not a date: write it as the UN does'),
        }),
      );
    });
  });

  describe('the row rules', () => {
    it('refuses a row with neither a signature nor a consent', () => {
      expect(() => parse(table('FR,France,,'))).toThrow(
        badInput({
          'line 2': 'has neither a signature nor a consent: a row records at least one of them',
        }),
      );
    });

    it('refuses a consent before the signature, and takes one on the same day', () => {
      expect(() => parse(table('FR,France,22 Apr 2016,21 Apr 2016 AA'))).toThrow(
        badInput({
          'line 2':
            'the consent (2016-04-21) is before the signature (2016-04-22): a signatory consents on or after the day it signed',
        }),
      );
      expect(row('FR,France,22 Apr 2016,22 Apr 2016 AA')).toMatchObject({
        signedAt: day('2016-04-22'),
        consentedAt: day('2016-04-22'),
      });
    });

    it('takes a definitive signature with the same signature date, refuses another date', () => {
      expect(row('NZ,New Zealand,22 Apr 2016,22 Apr 2016 s')).toMatchObject({
        signedAt: day('2016-04-22'),
        means: M.DEFINITIVE_SIGNATURE,
      });
      expect(() =>
        parse(
          table(
            'NZ,New Zealand,21 Apr 2016,22 Apr 2016 s',
            'AU,Australia,23 Apr 2016,22 Apr 2016 s',
          ),
        ),
      ).toThrow(
        badInput({
          'line 2':
            'a definitive signature (s) is the signature itself (VCLT art 12): leave the signature empty, not 2016-04-21',
          'line 3':
            'a definitive signature (s) is the signature itself (VCLT art 12): leave the signature empty, not 2016-04-23',
        }),
      );
    });

    it('refuses a signature with an accession or a succession, whatever the dates', () => {
      expect(() =>
        parse(
          table(
            'TZ,United Republic of Tanzania,22 Apr 2016,3 Sep 2016 a',
            'SK,Slovakia,22 Apr 2016,3 Sep 2016 d',
          ),
        ),
      ).toThrow(
        badInput({
          'line 2': has(
            'an accession (a) is how a state that has not signed becomes bound (VCLT art 15)',
          ),
          'line 3': has("a succession (d) takes over the predecessor state's position"),
        }),
      );
    });
  });

  describe('codes', () => {
    it('upper-cases a code and takes EU and XK', () => {
      const { rows } = parse(
        table('us,USA,22 Apr 2016,', ' eu ,European Union,22 Apr 2016,', 'XK,Kosovo,22 Apr 2016,'),
      );
      expect(rows.map((r) => r.code)).toEqual(['US', 'EU', 'XK']);
    });

    it('refuses a code that is not a party code, and an empty one', () => {
      expect(() =>
        parse(
          table(
            'USA,United States of America,22 Apr 2016,',
            'ZZ,Nowhere,22 Apr 2016,',
            ',France,22 Apr 2016,',
          ),
        ),
      ).toThrow(
        badInput({
          'line 2.code': '"USA" is not an ISO 3166-1 alpha-2 code such as US or KR (or EU, XK)',
          'line 3.code': '"ZZ" is not an ISO 3166-1 alpha-2 code such as US or KR (or EU, XK)',
          'line 4.code': 'code is empty: give a party code such as US or KR',
        }),
      );
    });

    it('refuses a code that appears twice, in any case, even on a row with other problems', () => {
      expect(() =>
        parse(
          table(
            'FR,France,31 Apr 2016,',
            'DE,Germany,22 Apr 2016,',
            'fr,France,22 Apr 2016,',
            'de,Germany,,',
          ),
        ),
      ).toThrow(
        badInput({
          'line 2.signature': has('April 2016 has 30 days'),
          'line 4.code': 'FR is already on line 2; each code once',
          'line 5': has('has neither a signature nor a consent'),
          'line 5.code': 'DE is already on line 3; each code once',
        }),
      );
    });
  });

  describe('participant names', () => {
    it.each([
      ['Germany 4', 'Germany'],
      ['Germany4', 'Germany'],
      ['United States of America 3', 'United States of America'],
      ['"China 5, 6"', 'China'],
      ['"China 5,6"', 'China'],
      ['Netherlands (Kingdom of the) 12', 'Netherlands (Kingdom of the)'],
      ['Bolivia (Plurinational State of)', 'Bolivia (Plurinational State of)'],
      ['Türkiye 7', 'Türkiye'],
      ['Group of 77', 'Group of 77'],
      ['Conference of 1990', 'Conference of 1990'],
      ['Serbia and Montenegro 2006', 'Serbia and Montenegro 2006'],
      ['"Korea, Republic of"', 'Korea, Republic of'],
      ['"Côte d\'Ivoire"', "Côte d'Ivoire"],
      ['"The ""Example"" State"', 'The "Example" State'],
      ['"Saint Kitts and ""Nevis"", Example 2"', 'Saint Kitts and "Nevis", Example'],
      ['  Spaced\u00a0 Out  Name  ', 'Spaced Out Name'],
      ['  "Quoted, with spaces around"  ', 'Quoted, with spaces around'],
    ])('reads %s as %s', (field, name) => {
      expect(row(`FR,${field},22 Apr 2016,`).name).toBe(name);
    });

    it('takes a name of 200 characters and refuses one of 201', () => {
      expect(row(`FR,${'N'.repeat(200)},22 Apr 2016,`).name).toHaveLength(200);
      expect(() => parse(table(`FR,${'N'.repeat(201)},22 Apr 2016,`))).toThrow(
        badInput({ 'line 2.participant': 'participant is longer than 200 characters' }),
      );
    });

    it('refuses an empty name, control characters, and text that was not UTF-8', () => {
      expect(() =>
        parse(
          table(
            'FR,,22 Apr 2016,',
            'DE,"Ger\tmany",22 Apr 2016,',
            "CI,C\ufffdte d'Ivoire,22 Apr 2016,",
            'JP,Ja\ud800pan,22 Apr 2016,',
          ),
        ),
      ).toThrow(
        badInput({
          'line 2.participant': 'participant is empty: give the name as the UN table shows it',
          'line 3.participant': 'participant must not contain control characters or line breaks',
          'line 4.participant': has('participant is not well-formed UTF-8 text'),
          'line 5.participant': has('participant is not well-formed UTF-8 text'),
        }),
      );
    });

    it('refuses a name that spans lines, named by its first line, and counts the lines after it', () => {
      expect(() => parse(table('FR,"Fr\nance",22 Apr 2016,', 'DE,Germany,31 Apr 2016,'))).toThrow(
        badInput({
          'line 2.participant': 'participant must not contain control characters or line breaks',
          'line 4.signature': has('April 2016 has 30 days'),
        }),
      );
    });

    it('refuses a long name quickly, without searching it for a footnote', () => {
      const started = Date.now();
      expect(() => parse(table(`FR,${'a'.repeat(500_000)}1,22 Apr 2016,`))).toThrow(
        badInput({ 'line 2.participant': 'participant is longer than 200 characters' }),
      );
      expect(Date.now() - started).toBeLessThan(2000);
    });
  });

  describe('the CSV', () => {
    const expected = [
      { line: 2, code: 'FR', name: 'France' },
      { line: 3, code: 'DE', name: 'Germany' },
    ];
    const lines = ['FR,France,22 Apr 2016,', 'DE,Germany,22 Apr 2016,'];

    it.each([
      ['LF', `${HEADER}\n${lines.join('\n')}\n`],
      ['CRLF', `${HEADER}\r\n${lines.join('\r\n')}\r\n`],
      ['CR', `${HEADER}\r${lines.join('\r')}`],
      ['a BOM', `\ufeff${HEADER}\r\n${lines.join('\r\n')}`],
      ['no final line break', `${HEADER}\n${lines.join('\n')}`],
      [
        'quoted fields',
        `"code","participant","signature","consent"\n"FR","France","22 Apr 2016",""\n"DE","Germany","22 Apr 2016",""`,
      ],
      [
        'spaces around fields',
        ` code , participant ,signature,consent\n FR , France , 22 Apr 2016 , \nDE,Germany,22 Apr 2016,`,
      ],
    ])('reads %s', (_, text) => {
      expect(parse(text).rows).toMatchObject(expected);
    });

    it('skips empty lines, blank lines and empty rows, and numbers lines as an editor does', () => {
      const text = `\n${HEADER}\n\n   \n,,,\n"","",,\nFR,France,22 Apr 2016,\r\n\r\nDE,Germany,31 Apr 2016,\n\n`;
      expect(() => parse(text)).toThrow(
        badInput({ 'line 9.signature': has('April 2016 has 30 days') }),
      );
      expect(parse(text.replace('31 Apr', '30 Apr')).rows).toMatchObject([
        { line: 7, code: 'FR' },
        { line: 9, code: 'DE' },
      ]);
    });

    it('refuses a row with more or fewer fields than the header', () => {
      expect(() =>
        parse(
          table(
            'KR,Korea, Republic of,22 Apr 2016,',
            'FR,France,22 Apr 2016',
            'DE,Germany,22 Apr 2016,,',
          ),
        ),
      ).toThrow(
        badInput({
          'line 2': 'has 5 fields and the header 4 (a name with a comma goes in double quotes)',
          'line 3': 'has 3 fields and the header 4',
          'line 4': 'has 5 fields and the header 4 (a name with a comma goes in double quotes)',
        }),
      );
    });

    it('refuses a quote inside an unquoted field and text after a closing quote', () => {
      expect(() =>
        parse(
          table(
            'FR,The "French" Republic,22 Apr 2016,',
            'DE,"Germany" 4,22 Apr 2016,',
            'JP,Japan,22 Apr 2016,',
          ),
        ),
      ).toThrow(
        badInput({
          'line 2':
            'field 2 has a quote but does not start with one: enclose the whole field in double quotes, and double the quote inside ("")',
          'line 3':
            'field 2 has text after its closing quote (a quote inside a quoted field is doubled: "")',
        }),
      );
    });

    it('refuses a quote that is never closed, naming the line it opens on', () => {
      expect(() =>
        parse(table('FR,France,22 Apr 2016,', 'DE,"Germany,22 Apr 2016,', 'JP,Japan,22 Apr 2016,')),
      ).toThrow(badInput({ 'line 3': 'field 2 opens a quote that is never closed' }));
    });
  });

  describe('the header', () => {
    it('finds the columns by name, in any order and any case', () => {
      const { rows } = parse(
        'Consent,SIGNATURE,Participant,Code\n3 Sep 2016 A,22 Apr 2016,France,fr',
      );
      expect(rows).toEqual([
        {
          line: 2,
          code: 'FR',
          name: 'France',
          signedAt: day('2016-04-22'),
          consentedAt: day('2016-09-03'),
          means: M.ACCEPTANCE,
        },
      ]);
    });

    const rule =
      'The header is code,participant,signature,consent, in any order and any case, and nothing else';

    it.each([
      ['code,participant,signature,consent,notes', `"notes" is not a column. ${rule}`],
      ['code,participant,signature', `the column consent missing. ${rule}`],
      [
        'code,name,date',
        `"name" is not a column; "date" is not a column; the columns participant, signature, consent missing. ${rule}`,
      ],
      ['code,participant,signature,consent,Code', `the column code appears twice. ${rule}`],
      [
        'code;participant;signature;consent',
        `"code;participant;signature;consent" is not a column (columns are separated by commas, not semicolons); the columns code, participant, signature, consent missing. ${rule}`,
      ],
      [
        'FR,France,22 Apr 2016,',
        `"FR" is not a column; "France" is not a column; "22 Apr 2016" is not a column; "" is not a column; the columns code, participant, signature, consent missing. ${rule}`,
      ],
    ])('refuses the header %s', (header, problem) => {
      expect(() => parse(`\n${header}\nDE,Germany,22 Apr 2016,`)).toThrow(
        badInput({ 'line 2': problem }),
      );
    });

    it('refuses a header that cannot be read', () => {
      expect(() => parse('code,"participant,signature,consent\nDE,Germany,22 Apr 2016,')).toThrow(
        badInput({
          'line 1': 'the header cannot be read: field 2 opens a quote that is never closed',
        }),
      );
    });

    it.each([
      ['', 'is empty: it begins with the header code,participant,signature,consent'],
      ['\ufeff\r\n\r\n', 'is empty: it begins with the header code,participant,signature,consent'],
      [HEADER, 'has no rows after the header'],
      [`${HEADER}\n,,,\n`, 'has no rows after the header'],
    ])('refuses the file %j', (text, problem) => {
      expect(() => parse(text)).toThrow(badInput({ file: problem }));
    });
  });

  describe('bounds', () => {
    const codes = ['AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AQ', 'AR'];

    it(`takes ${MAX_STATUS_ROWS} rows and refuses ${MAX_STATUS_ROWS + 1}, before reading them`, () => {
      // Valid rows need distinct codes, and there are fewer than 300: the bound is tested with
      // rows that would each be refused, which shows that none is examined.
      const bad = (n: number) => Array.from({ length: n }, () => 'QQ,Nowhere,,');
      expect(() => parse(table(...bad(MAX_STATUS_ROWS)))).toThrow(
        badInput(expect.objectContaining({ 'line 301.code': has('"QQ" is not') })),
      );
      expect(() => parse(table(...bad(MAX_STATUS_ROWS + 1)))).toThrow(
        badInput({
          file: 'has 301 rows; a status table has at most 300, as no agreement has more parties',
        }),
      );
      expect(parse(table(...codes.map((code) => `${code},Name,22 Apr 2016,`))).rows).toHaveLength(
        10,
      );
    });

    it('refuses a file larger than 1 MiB, counted in UTF-8 bytes', () => {
      const refusal = badInput({
        file: 'is larger than 1048576 bytes (1 MiB), the most a status table may be',
      });
      const padding = (length: number) => `${HEADER}\n${'\n'.repeat(length - HEADER.length - 1)}`;
      expect(() => parse(padding(MAX_STATUS_TABLE_BYTES))).toThrow(
        badInput({ file: 'has no rows after the header' }),
      );
      expect(() => parse(padding(MAX_STATUS_TABLE_BYTES + 1))).toThrow(refusal);
      // Half as many characters, each two bytes of UTF-8.
      expect(() => parse(`${HEADER}\n${'é'.repeat(MAX_STATUS_TABLE_BYTES / 2)}`)).toThrow(refusal);
    });
  });

  it('names every bad line of a file at once', () => {
    const text = [
      HEADER,
      'FR,France,22 Apr 2016,3 Sep 2016 AA',
      'DEU,Germany,22 Apr 2016,',
      'JP,Japan,22 Apr 2016,30 Feb 2017 A',
      'CN,"China 5, 6",22 Apr 2016,3 Sep 2016',
      'TZ,United Republic of Tanzania,22 Apr 2016,3 Sep 2016 a',
      'IN,India,22 Apr 2016,2 Oct 2016 x',
      'fr,France,,',
      'BR,Brazil,22 Apr 2016,21 Sep 2016',
    ].join('\r\n');
    expect(() => parse(text)).toThrow(
      badInput({
        'line 3.code': '"DEU" is not an ISO 3166-1 alpha-2 code such as US or KR (or EU, XK)',
        'line 4.consent': '"30 Feb 2017" is not a date: February 2017 has 28 days',
        'line 6': has('an accession (a) is how a state that has not signed becomes bound'),
        'line 7.consent': has('"x" is not a UN suffix'),
        'line 8': 'has neither a signature nor a consent: a row records at least one of them',
        'line 8.code': 'FR is already on line 2; each code once',
      }),
    );
    expect(() => parse(text)).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/^Invalid input\. line 3\.code: /),
      }),
    );
  });
});

describe('actionsInDateOrder', () => {
  const rows = parse(
    table(
      'FR,France,22 Apr 2016,5 Oct 2016 AA', // line 2
      'NZ,New Zealand,,22 Apr 2016 s', // line 3
      'TZ,United Republic of Tanzania,,5 Oct 2016 a', // line 4
      'US,United States of America,22 Apr 2016,', // line 5
      'FJ,Fiji,22 Apr 2016,22 Apr 2016', // line 6
      'SK,Slovakia,,1 Jan 2016 d', // line 7
    ),
  ).rows;

  it('lists each SIGN and CONSENT by date, then line, a SIGN before its CONSENT', () => {
    expect(actionsInDateOrder(rows)).toEqual([
      {
        line: 7,
        code: 'SK',
        action: A.CONSENT,
        occurredAt: day('2016-01-01'),
        means: M.SUCCESSION,
      },
      { line: 2, code: 'FR', action: A.SIGN, occurredAt: day('2016-04-22'), means: null },
      {
        line: 3,
        code: 'NZ',
        action: A.CONSENT,
        occurredAt: day('2016-04-22'),
        means: M.DEFINITIVE_SIGNATURE,
      },
      { line: 5, code: 'US', action: A.SIGN, occurredAt: day('2016-04-22'), means: null },
      { line: 6, code: 'FJ', action: A.SIGN, occurredAt: day('2016-04-22'), means: null },
      {
        line: 6,
        code: 'FJ',
        action: A.CONSENT,
        occurredAt: day('2016-04-22'),
        means: M.RATIFICATION,
      },
      { line: 2, code: 'FR', action: A.CONSENT, occurredAt: day('2016-10-05'), means: M.APPROVAL },
      { line: 4, code: 'TZ', action: A.CONSENT, occurredAt: day('2016-10-05'), means: M.ACCESSION },
    ]);
  });

  it('orders rows given in any order, and leaves them as they were', () => {
    const reversed = [...rows].reverse();
    expect(actionsInDateOrder(reversed)).toEqual(actionsInDateOrder(rows));
    expect(reversed.map((r) => r.line)).toEqual([7, 6, 5, 4, 3, 2]);
    expect(actionsInDateOrder([])).toEqual([]);
  });
});

describe('docs/examples/status-table.csv', () => {
  const text = readFileSync(
    new URL('../../docs/examples/status-table.csv', import.meta.url),
    'utf8',
  );

  it('is a valid status table that uses every UN suffix', () => {
    const { rows } = parse(text);
    expect(rows).toHaveLength(9);
    expect(new Set(rows.map((r) => r.means))).toEqual(
      new Set([...Object.values(UN_SUFFIXES), null]),
    );
    expect(rows.find((r) => r.code === 'CN')).toMatchObject({
      name: 'China',
      signedAt: day('1990-04-20'),
      consentedAt: day('1994-01-04'),
      means: M.RATIFICATION,
    });
    expect(rows.find((r) => r.code === 'NZ')).toMatchObject({
      signedAt: day('1990-06-20'),
      consentedAt: day('1990-06-20'),
      means: M.DEFINITIVE_SIGNATURE,
    });
    expect(rows.find((r) => r.code === 'DE')).toMatchObject({
      name: 'Germany',
      consentedAt: day('1991-11-05'),
    });
    expect(actionsInDateOrder(rows)[0]).toMatchObject({ code: 'NO', action: A.SIGN });
  });
});
