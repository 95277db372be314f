import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { imitates, skeleton } from './confusables.js';

// Written as escapes where the point is a character that looks like another.
const CYRILLIC = { a: '\u0430', e: '\u0435', o: '\u043E', s: '\u0455', y: '\u0443', de: '\u0501' };
const CYRILLIC_CAPITAL = {
  A: '\u0410',
  E: '\u0415',
  K: '\u041A',
  M: '\u041C',
  O: '\u041E',
  S: '\u0405',
  T: '\u0422',
  Y: '\u04AE',
};
const GREEK_CAPITAL = { A: '\u0391', I: '\u0399', K: '\u039A', N: '\u039D', O: '\u039F' };

describe('skeleton', () => {
  it('maps each character to its prototype, ignoring case, width and invisible characters', () => {
    expect(skeleton('system')).toBe('systern'); // m is rn in a skeleton: a key, not a name
    expect(skeleton('ADMIN_TOKEN')).toBe('adrnln_token');
    expect(skeleton('demo-seed')).toBe('derno-seed');
    expect(
      ['\u0455', '\u03BF', '0', 'O', '1', 'l', 'I', 'i', '\u2010', '\u2013', '\u2212', '_'].map(
        skeleton,
      ),
    ).toEqual(['s', 'o', 'o', 'o', 'l', 'l', 'l', 'l', '-', '-', '-', '_']);
  });

  it.each([
    ['system', 'System'],
    ['system', 'SYSTEM'],
    ['system', `${CYRILLIC.s}${CYRILLIC.y}${CYRILLIC.s}t${CYRILLIC.e}m`],
    [
      'system',
      `${CYRILLIC_CAPITAL.S}${CYRILLIC_CAPITAL.Y}${CYRILLIC_CAPITAL.S}${CYRILLIC_CAPITAL.T}${CYRILLIC_CAPITAL.E}${CYRILLIC_CAPITAL.M}`,
    ],
    ['system', '\uFF53\uFF59\uFF53\uFF54\uFF45\uFF4D'], // full-width
    ['system', '\u{1D42C}\u{1D432}\u{1D42C}\u{1D42D}\u{1D41E}\u{1D426}'], // mathematical bold
    ['system', 'sys\u200Btem'], // zero-width space
    ['system', 'sys\u00ADtem'], // soft hyphen
    ['system', 'sys\u2060tem\uFE0F'], // word joiner, variation selector
    ['ADMIN_TOKEN', 'admin_token'],
    ['ADMIN_TOKEN', 'ADMIN_T0KEN'],
    ['ADMIN_TOKEN', 'ADM1N_TOKEN'],
    ['ADMIN_TOKEN', 'ADMlN_TOKEN'],
    [
      'ADMIN_TOKEN',
      `${CYRILLIC_CAPITAL.A}DMIN_${CYRILLIC_CAPITAL.T}${CYRILLIC_CAPITAL.O}${CYRILLIC_CAPITAL.K}${CYRILLIC_CAPITAL.E}N`,
    ],
    [
      'ADMIN_TOKEN',
      `${GREEK_CAPITAL.A}DM${GREEK_CAPITAL.I}${GREEK_CAPITAL.N}_T${GREEK_CAPITAL.O}${GREEK_CAPITAL.K}EN`,
    ],
    ['ADMIN_TOKEN', '\u13AA\u13A0\u13B7IN_\u13A2O\u13E6\u13ACN'], // Cherokee
    ['ADMIN_TOKEN', 'admin_to\u041Aen'], // a capital among lowercase: admin_toKen
    ['demo-seed', 'demo\u2010seed'], // hyphen
    ['demo-seed', 'demo\u2013seed'], // en dash
    ['demo-seed', 'demo\u2212seed'], // minus sign
    ['demo-seed', `${CYRILLIC.de}${CYRILLIC.e}m${CYRILLIC.o}-s${CYRILLIC.e}${CYRILLIC.e}d`],
    ['demo-seed', 'dem\u0585-seed'], // Armenian oh
    ['demo-seed', 'Demo-Seed'],
    ['demo-seed', 'demo-seed\u200D'], // zero-width joiner
    ['kr-desk', 'kr\u2010desk'],
    ['kr-desk', 'KR-DESK'],
    ['kr-desk', 'kr-d\u0435sk'],
    ['ops', '0ps'], // the standard maps 0 to O
    ['ops', `${CYRILLIC.o}ps`],
    ['m', 'rn'],
    ['\u4E00\u90CE', '\u30FC\u90CE'], // CJK one and the katakana long mark
  ])('%s and %j look alike', (a, b) => {
    expect(imitates(a, b)).toBe(true);
    expect(imitates(b, a)).toBe(true);
  });

  it.each([
    ['kr-desk', 'us-desk'],
    ['kr-desk', 'kr_desk'], // - and _ are apart in the standard
    ['kr-desk', 'kr.desk'],
    ['system', '5ystem'], // 5 is not S in the standard
    ['system', 'systems'],
    ['ops', 'ops2'],
    ['서울', '부산'],
    ['서울', 'ソウル'],
    ['東京', 'とうきょう'],
    ['東京', '도쿄'],
    ['서울-desk', '부산-desk'],
    ['Zürich', 'Zurich'],
  ])('%s and %s stay apart', (a, b) => {
    expect(imitates(a, b)).toBe(false);
  });

  it('leaves Korean and Japanese names as they are', () => {
    for (const name of ['서울', '부산-데스크', '東京', 'ソウル', 'とうきょう']) {
      expect(skeleton(name)).toBe(name);
    }
  });

  it('ignores case in the characters a token name is mostly made of', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCIKLMOSTZ019 ._@-') }),
        (name) =>
          skeleton(name) === skeleton(name.toUpperCase()) &&
          skeleton(name) === skeleton(name.toLowerCase()),
      ),
    );
  });

  it('is its own skeleton', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (name) => {
        const key = skeleton(name);
        return skeleton(key) === key;
      }),
      { numRuns: 2000 },
    );
  });
});
