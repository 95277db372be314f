import { IsNotEmpty, Matches, MaxLength, validateSync } from 'class-validator';
import { daysInMonth, MONTH_NAMES } from '../common/gregorian.js';
import { DomainError } from '../common/domain-error.js';
import { EARLIEST_DATE, fieldErrors, IsPartyCode, IsPlainText } from '../common/validation.js';
import { ConsentMeans, DAY_MS, PartyAction } from '../workflow/index.js';

/**
 * One treaty's status table, in the shape of the participant tables of the UN Treaty Collection
 * (treaties.un.org, "Status of Treaties"), read into rows for loading a treaty's history (the import
 * command that will take them through the party actions is still to come).
 * Pure: no database, no file system, no clock of its own (`now` is a parameter). Every problem of
 * a file is reported at once, each under the line it is on, so that a file is fixed in one pass;
 * a file with any problem yields no rows at all. docs/examples/ holds an example and a summary.
 *
 * **The file.** CSV as RFC 4180 has it, UTF-8 (at most MAX_STATUS_TABLE_BYTES). The caller
 * decodes it strictly (`new TextDecoder('utf-8', { fatal: true })`); a U+FFFD in a name, the mark
 * of a file saved in another encoding and decoded leniently, is refused. A leading BOM (as Excel
 * writes one) is ignored. Lines end in CRLF, LF or CR. A field with a comma, a quote or a line
 * break is enclosed in double quotes, a quote inside it doubled (`"Say ""hello"""`); spaces
 * around a field and around its quotes are ignored. A quote inside an unquoted field, or text
 * after a closing quote, is refused rather than guessed at. Lines that are empty, or whose fields
 * are all empty (`,,,`, as spreadsheets export an empty row), are skipped. A line is named by its
 * number in the file, from 1 (the header, usually), counting the skipped lines too, so that it is
 * the number an editor shows; a record that spans lines inside quotes is named by its first.
 *
 * **The header** is the first line that is not skipped: the four columns `code`, `participant`,
 * `signature` and `consent`, each once, in any order (they are found by name, so a table kept in
 * another order, or exported from a sheet whose columns were moved, needs no editing), and in any
 * case. Any other column is refused, not ignored: a column that is dropped silently is data lost.
 * Every row has exactly as many fields as the header (a name with an unquoted comma does not).
 *
 * **The columns.**
 * - `code`: the party code, ISO 3166-1 alpha-2 or EU or XK (`IsPartyCode`, as everywhere in
 *   Ratify), in any case, stored upper-cased; each code once in the file. The UN tables have no
 *   codes: they are what ties a row to a party, and a name could not (the UN's names change).
 * - `participant`: the name as the UN table shows it ("Bolivia (Plurinational State of)"), at most
 *   200 characters (as `PartyInput.name`), no control characters; runs of spaces, including the
 *   no-break spaces a copy from a web page brings, become one space. A trailing footnote marker
 *   is removed: the UN puts footnote numbers after a participant's name ("Germany 4", "China 5, 6",
 *   or run on, "Germany4", as a copied superscript comes out), and they are not part of it. A
 *   marker is one or more numbers of one to three digits, separated by commas, at the very end,
 *   after a word with a capital letter or after a closing bracket: no state's name ends in a
 *   number, and a name whose last words are "of 77" keeps them (its "of" has no capital).
 * - `signature`: empty, or the date of signature.
 * - `consent`: empty, or the date on which the state expressed its consent to be bound, then,
 *   after a space, the UN's suffix for the means: none for ratification, `A` acceptance, `AA`
 *   approval, `a` accession, `d` succession, `s` definitive signature (see UN_SUFFIXES). Case
 *   matters (`A` is acceptance, `a` accession); any other suffix is refused, with a hint when it
 *   differs from one only in case.
 *
 * **Dates** are written as the UN writes them, day, month and year (`22 Apr 2016`, the month
 * abbreviated to three letters or in full, `22 April 2016`, in any case), or as ISO 8601
 * (`2016-04-22`), and read as midnight UTC. A day the month does not have (30 Feb) is refused, by
 * the Gregorian rule as the DateTime scalar does; so is a date before 1800 or after `now` plus one
 * day (the rule of record of docs/design.md §1; a whole day, since a date in the UN's table is the
 * depositary's, whose day may already have begun where it sits), and any other form, such as
 * `April 22, 2016`, whose order of day and month is a guess.
 *
 * **Rows.** Each row records a signature, a consent or both; a row with neither says nothing and
 * is refused as a likely mistake (the UN lists a participant once it has acted). A consent is not
 * dated before the signature (VCLT art 14: ratification, acceptance and approval follow it); the
 * same day is fine. A definitive signature (`s`) is the signature (VCLT art 12): the signature
 * column is empty or holds the same date, and the row's `signedAt` is the consent date (as the
 * workflow records it). Accession (`a`) is how a state that did not sign becomes bound (VCLT art
 * 15), and succession (`d`) takes over the predecessor state's position (Vienna Convention on
 * Succession of States in respect of Treaties 1978, arts 17-19): either with a signature date of
 * the state's own is contradictory, and refused. At most MAX_STATUS_ROWS rows.
 */

/** A file larger than this is refused before it is read; the command checks the file's size first. */
export const MAX_STATUS_TABLE_BYTES = 1024 * 1024;

/**
 * No agreement can have more parties than there are party codes (ISO 3166-1 assigns 249, plus EU
 * and XK), as for `MAX_INSTRUMENTS`; unique codes keep a valid file below it anyway, and the bound
 * stops a file of many bad rows before each is examined.
 */
export const MAX_STATUS_ROWS = 300;

/** As `PartyInput.name`. */
export const MAX_NAME_LENGTH = 200;

/** The longest date field is "30 September 2016 AA"; a longer one is refused without reading it. */
const MAX_DATE_LENGTH = 40;

export const STATUS_TABLE_COLUMNS = ['code', 'participant', 'signature', 'consent'] as const;
type Column = (typeof STATUS_TABLE_COLUMNS)[number];

/** The UN's suffix after a consent date, and the means it stands for; '' is no suffix. */
export const UN_SUFFIXES: Readonly<Record<string, ConsentMeans>> = {
  '': ConsentMeans.RATIFICATION,
  A: ConsentMeans.ACCEPTANCE,
  AA: ConsentMeans.APPROVAL,
  a: ConsentMeans.ACCESSION,
  d: ConsentMeans.SUCCESSION,
  s: ConsentMeans.DEFINITIVE_SIGNATURE,
};

/** One participant of the table, as the import records it. */
export interface StatusRow {
  /** The line of the file it was read from. */
  readonly line: number;
  readonly code: string;
  readonly name: string;
  /** The signature; for a definitive signature, the consent date (it is the signature). */
  readonly signedAt: Date | null;
  readonly consentedAt: Date | null;
  /** Set exactly when `consentedAt` is. */
  readonly means: ConsentMeans | null;
}

/** A SIGN or CONSENT the rows imply, for the import to record in this order. */
export interface StatusAction {
  readonly line: number;
  readonly code: string;
  readonly action: PartyAction.SIGN | PartyAction.CONSENT;
  readonly occurredAt: Date;
  /** For CONSENT; null for SIGN. */
  readonly means: ConsentMeans | null;
}

export interface ParseStatusTableOptions {
  /** The present, for the bound on future dates; the current time by default. */
  readonly now?: Date;
}

/**
 * Reads a status table (the format is above). Returns its rows in file order, or throws a
 * BAD_USER_INPUT DomainError whose `fields` name every problem: `file` for the file as a whole,
 * `line N` for a line (the header, a record that cannot be read, a rule between columns), and
 * `line N.<column>` for one field.
 */
export function parseStatusTable(
  text: string,
  { now = new Date() }: ParseStatusTableOptions = {},
): { rows: StatusRow[] } {
  // Each UTF-16 unit is at least one byte of UTF-8: the first test spares measuring a huge string.
  const bytes = text.length > MAX_STATUS_TABLE_BYTES ? Infinity : Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_STATUS_TABLE_BYTES) {
    throw DomainError.badInput({
      file: `is larger than ${MAX_STATUS_TABLE_BYTES} bytes (1 MiB), the most a status table may be`,
    });
  }
  const records = readRecords(text.startsWith('\uFEFF') ? text.slice(1) : text).filter(
    (record) => record.problem !== undefined || record.fields.some((field) => field.trim() !== ''),
  );
  if (records.length === 0) {
    throw DomainError.badInput({ file: `is empty: it begins with the header ${HEADER}` });
  }
  const [header, ...data] = records;
  const columns = readHeader(header);
  if (data.length === 0) {
    throw DomainError.badInput({ file: 'has no rows after the header' });
  }
  if (data.length > MAX_STATUS_ROWS) {
    throw DomainError.badInput({
      file: `has ${data.length} rows; a status table has at most ${MAX_STATUS_ROWS}, as no agreement has more parties`,
    });
  }

  const problems = new Problems();
  const firstLineOf = new Map<string, number>();
  const rows: StatusRow[] = [];
  for (const record of data) {
    const at = `line ${record.line}`;
    if (record.problem !== undefined) {
      problems.add(at, record.problem);
      continue;
    }
    if (record.fields.length !== columns.size) {
      problems.add(
        at,
        `has ${record.fields.length} fields and the header ${columns.size}` +
          (record.fields.length > columns.size
            ? ' (a name with a comma goes in double quotes)'
            : ''),
      );
      continue;
    }
    const field = (column: Column) => record.fields[columns.get(column)!];
    const row = readRow(record.line, field, now, problems);
    if (row) {
      rows.push(row);
    }
    // A code is checked for repeats even on a row with other problems, so that both are named.
    if (!problems.has(`${at}.code`)) {
      const code = squash(field('code')).toUpperCase();
      const first = firstLineOf.get(code);
      if (first === undefined) {
        firstLineOf.set(code, record.line);
      } else {
        problems.add(`${at}.code`, `${code} is already on line ${first}; each code once`);
      }
    }
  }
  problems.throwIfAny();
  return { rows };
}

const SIGN_FIRST: Readonly<Record<StatusAction['action'], number>> = {
  [PartyAction.SIGN]: 0,
  [PartyAction.CONSENT]: 1,
};

/**
 * The SIGN and CONSENT actions the rows imply, by real-world date, then by line, a row's SIGN
 * before its CONSENT: the order in which the import records them, since a consent recorded after
 * the date on which entry into force was decided is refused (docs/design.md §6). A definitive
 * signature is one CONSENT (means DEFINITIVE_SIGNATURE), not a SIGN and a CONSENT: the workflow
 * takes it only from a party that has not signed.
 */
export function actionsInDateOrder(rows: readonly StatusRow[]): StatusAction[] {
  const actions: StatusAction[] = [];
  for (const { line, code, signedAt, consentedAt, means } of rows) {
    if (signedAt && means !== ConsentMeans.DEFINITIVE_SIGNATURE) {
      actions.push({ line, code, action: PartyAction.SIGN, occurredAt: signedAt, means: null });
    }
    if (consentedAt && means) {
      actions.push({ line, code, action: PartyAction.CONSENT, occurredAt: consentedAt, means });
    }
  }
  return actions.sort(
    (a, b) =>
      a.occurredAt.getTime() - b.occurredAt.getTime() ||
      a.line - b.line ||
      SIGN_FIRST[a.action] - SIGN_FIRST[b.action],
  );
}

const HEADER = STATUS_TABLE_COLUMNS.join(',');

/** The problems found so far, by field; two on one field are joined. */
class Problems {
  private readonly fields: Record<string, string> = {};

  add(field: string, problem: string): void {
    this.fields[field] = this.fields[field] ? `${this.fields[field]}; ${problem}` : problem;
  }

  addAll(fields: Record<string, string>): void {
    for (const [field, problem] of Object.entries(fields)) {
      this.add(field, problem);
    }
  }

  has(field: string): boolean {
    return Object.hasOwn(this.fields, field);
  }

  throwIfAny(): void {
    if (Object.keys(this.fields).length > 0) {
      throw DomainError.badInput(this.fields);
    }
  }
}

/** A value as a message shows it: quoted, and cut short, as a field may be long. */
function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

// ---------------------------------------------------------------------------------------------
// RFC 4180 records

interface RawRecord {
  /** The line the record starts on. */
  readonly line: number;
  readonly fields: string[];
  /** Why the record cannot be read as fields; its fields are then not to be trusted. */
  readonly problem?: string;
}

const isBlank = (char: string | undefined) => char === ' ' || char === '\t';
const isLineEnd = (char: string | undefined) => char === '\n' || char === '\r';

/**
 * Splits the text into records. One pass over the text, whose length is bounded by the caller:
 * each step moves forward. An unclosed quote swallows the rest of the file, which is then one
 * record with a problem.
 */
function readRecords(text: string): RawRecord[] {
  const records: RawRecord[] = [];
  const end = text.length;
  let i = 0;
  let line = 1;
  /** Steps over a line break at `i` (CRLF as one), counting it. */
  const skipLineEnd = () => {
    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
    line += 1;
  };

  while (i < end) {
    const start = line;
    const fields: string[] = [];
    let problem: string | undefined;
    for (;;) {
      const column = fields.length + 1;
      let j = i;
      while (isBlank(text[j])) j += 1;
      if (text[j] === '"') {
        i = j + 1;
        let value = '';
        for (;;) {
          if (i >= end) {
            records.push({
              line: start,
              fields,
              problem: `field ${column} opens a quote that is never closed`,
            });
            return records;
          }
          const char = text[i];
          if (char === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i += 1;
            break;
          }
          if (isLineEnd(char)) {
            const from = i;
            skipLineEnd();
            value += text.slice(from, i);
            continue;
          }
          value += char;
          i += 1;
        }
        while (isBlank(text[i])) i += 1;
        if (i < end && text[i] !== ',' && !isLineEnd(text[i])) {
          problem ??= `field ${column} has text after its closing quote (a quote inside a quoted field is doubled: "")`;
          while (i < end && text[i] !== ',' && !isLineEnd(text[i])) i += 1;
        }
        fields.push(value);
      } else {
        let k = i;
        while (k < end && text[k] !== ',' && !isLineEnd(text[k])) k += 1;
        const value = text.slice(i, k);
        if (value.includes('"')) {
          problem ??= `field ${column} has a quote but does not start with one: enclose the whole field in double quotes, and double the quote inside ("")`;
        }
        fields.push(value.trim());
        i = k;
      }
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      if (i < end) {
        skipLineEnd();
      }
      break;
    }
    records.push(
      problem === undefined ? { line: start, fields } : { line: start, fields, problem },
    );
  }
  return records;
}

// ---------------------------------------------------------------------------------------------
// The header

function readHeader(header: RawRecord): Map<Column, number> {
  const at = `line ${header.line}`;
  if (header.problem !== undefined) {
    throw DomainError.badInput({ [at]: `the header cannot be read: ${header.problem}` });
  }
  const problems: string[] = [];
  const columns = new Map<Column, number>();
  header.fields.forEach((field, index) => {
    const name = field.trim().toLowerCase();
    if (!(STATUS_TABLE_COLUMNS as readonly string[]).includes(name)) {
      const hint = name.includes(';') ? ' (columns are separated by commas, not semicolons)' : '';
      problems.push(`${shown(field)} is not a column${hint}`);
    } else if (columns.has(name as Column)) {
      problems.push(`the column ${name} appears twice`);
    } else {
      columns.set(name as Column, index);
    }
  });
  const missing = STATUS_TABLE_COLUMNS.filter((column) => !columns.has(column));
  if (missing.length > 0) {
    problems.push(`the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing`);
  }
  if (problems.length > 0) {
    throw DomainError.badInput({
      [at]: `${problems.join('; ')}. The header is ${HEADER}, in any order and any case, and nothing else`,
    });
  }
  return columns;
}

// ---------------------------------------------------------------------------------------------
// A row

/** The code and the name, checked by the rules of `PartyInput`. */
class RowText {
  @IsPartyCode({
    message: ({ value }) =>
      value === ''
        ? 'code is empty: give a party code such as US or KR'
        : `${shown(String(value))} is not an ISO 3166-1 alpha-2 code such as US or KR (or EU, XK)`,
  })
  code: string;

  @IsNotEmpty({ message: '$property is empty: give the name as the UN table shows it' })
  @MaxLength(MAX_NAME_LENGTH, {
    message: `$property is longer than ${MAX_NAME_LENGTH} characters`,
  })
  @IsPlainText()
  @Matches(/^[^\p{Surrogate}\uFFFD]*$/u, {
    message:
      '$property is not well-formed UTF-8 text (it has U+FFFD or a lone surrogate): save the file as UTF-8',
  })
  participant: string;
}

/** Runs of spaces (including no-break spaces) as one space, and none around. */
const squash = (text: string) => text.replace(/\p{Zs}+/gu, ' ').trim();

/** See the module comment: a trailing footnote marker, and the word before it. */
const FOOTNOTE = /^(.*?)(\S*[\p{L})\]])\s*\d{1,3}(?:\s*,\s*\d{1,3})*$/u;

function withoutFootnote(name: string): string {
  // The pattern backtracks over the name: only one of a plausible length is searched.
  const match = name.length > MAX_NAME_LENGTH + 16 ? null : FOOTNOTE.exec(name);
  if (!match) {
    return name;
  }
  const [, before, word] = match;
  return /[\p{Lu})\]]/u.test(word) ? `${before}${word}` : name;
}

function readRow(
  line: number,
  field: (column: Column) => string,
  now: Date,
  problems: Problems,
): StatusRow | null {
  const at = `line ${line}`;
  const text = Object.assign(new RowText(), {
    code: squash(field('code')).toUpperCase(),
    participant: withoutFootnote(squash(field('participant'))),
  });
  const textProblems = fieldErrors(validateSync(text), at);
  problems.addAll(textProblems);

  const latest = new Date(now.getTime() + DAY_MS);
  const signature = readColumn(field('signature'), (text) => readSignature(text, latest));
  const consent = readColumn(field('consent'), (text) => readConsent(text, latest));
  if (typeof signature === 'string') {
    problems.add(`${at}.signature`, signature);
  }
  if (typeof consent === 'string') {
    problems.add(`${at}.consent`, consent);
  }
  const signatureOk = typeof signature !== 'string';
  const consentOk = typeof consent !== 'string';
  const signedAt = signatureOk ? signature : null;
  const consentedAt = consentOk ? (consent?.date ?? null) : null;
  const means = consentOk ? (consent?.means ?? null) : null;

  let rulesOk = true;
  const refuse = (problem: string) => {
    problems.add(at, problem);
    rulesOk = false;
  };
  if (signatureOk && consentOk) {
    if (!signedAt && !consentedAt) {
      refuse('has neither a signature nor a consent: a row records at least one of them');
    } else if (signedAt && consentedAt && means) {
      if (means === ConsentMeans.DEFINITIVE_SIGNATURE) {
        if (signedAt.getTime() !== consentedAt.getTime()) {
          refuse(
            `a definitive signature (s) is the signature itself (VCLT art 12): leave the signature empty, not ${isoDay(signedAt)}`,
          );
        }
      } else if (means === ConsentMeans.ACCESSION) {
        refuse(
          'an accession (a) is how a state that has not signed becomes bound (VCLT art 15): leave the signature empty, or give the means of a signatory (none for ratification, A, AA)',
        );
      } else if (means === ConsentMeans.SUCCESSION) {
        refuse(
          "a succession (d) takes over the predecessor state's position (Vienna Convention on Succession of States in respect of Treaties 1978, arts 17-19), not a signature of its own: leave the signature empty",
        );
      } else if (consentedAt < signedAt) {
        refuse(
          `the consent (${isoDay(consentedAt)}) is before the signature (${isoDay(signedAt)}): a signatory consents on or after the day it signed`,
        );
      }
    }
  }

  if (Object.keys(textProblems).length > 0 || !signatureOk || !consentOk || !rulesOk) {
    return null;
  }
  return {
    line,
    code: text.code,
    name: text.participant,
    signedAt: means === ConsentMeans.DEFINITIVE_SIGNATURE ? consentedAt : signedAt,
    consentedAt,
    means,
  };
}

/** An optional column read by `read`: null when empty, or why it cannot be read. */
function readColumn<T>(raw: string, read: (text: string) => T | string): T | null | string {
  const text = squash(raw);
  return text === '' ? null : read(text);
}

// ---------------------------------------------------------------------------------------------
// Dates

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const UN_DAY = /^(\d{1,2}) (\p{L}+) (\d{4})$/u;
const FORMS = 'write it as the UN does, 22 Apr 2016, or as 2016-04-22';

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** A date of the table at midnight UTC, or why it is not one. */
function readDate(text: string, latest: Date): Date | string {
  const refusal = (reason: string) => `${shown(text)} is not a date: ${reason}`;
  if (text.length > MAX_DATE_LENGTH) {
    return refusal(FORMS);
  }
  let year: number;
  let month: number;
  let day: number;
  const iso = ISO_DAY.exec(text);
  const un = iso ? null : UN_DAY.exec(text);
  if (iso) {
    [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    if (month < 1 || month > 12) {
      return refusal(`there is no month ${iso[2]}`);
    }
  } else if (un) {
    const word = un[2].toLowerCase();
    const index = MONTH_NAMES.findIndex(
      (name) => name.toLowerCase() === word || name.slice(0, 3).toLowerCase() === word,
    );
    if (index < 0) {
      return refusal(`${shown(un[2])} is not a month: Jan, Feb, ... Dec, or the month in full`);
    }
    [year, month, day] = [Number(un[3]), index + 1, Number(un[1])];
  } else {
    return refusal(FORMS);
  }

  if (day < 1) {
    return refusal(`there is no day ${day}`);
  }
  if (day > daysInMonth(year, month)) {
    return refusal(`${MONTH_NAMES[month - 1]} ${year} has ${daysInMonth(year, month)} days`);
  }
  const date = new Date(0);
  // Not Date.UTC, which reads the years 0-99 as 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  if (date < EARLIEST_DATE) {
    return `${shown(text)} is before 1800, the earliest date Ratify records`;
  }
  if (date > latest) {
    return `${shown(text)} is in the future`;
  }
  return date;
}

/** A date, then a space and a UN suffix or nothing. */
const SUFFIXED = /^(.*\S) (\S+)$/;
/** A suffix run on to the date, as in "22 Apr 2016a". */
const RUN_ON = /^(.*\d)(\p{L}+)$/u;

function readConsent(text: string, latest: Date): { date: Date; means: ConsentMeans } | string {
  if (text.length > MAX_DATE_LENGTH) {
    return `${shown(text)} is not a date: ${FORMS}`;
  }
  const runOn = RUN_ON.exec(text);
  if (runOn && Object.hasOwn(UN_SUFFIXES, runOn[2])) {
    return `put a space between the date and its suffix: ${runOn[1]} ${runOn[2]}`;
  }
  const suffixed = SUFFIXED.exec(text);
  // A date ends in a digit; a last word that does not is a suffix.
  const [dateText, suffix] =
    suffixed && !/\d$/.test(suffixed[2]) ? [suffixed[1], suffixed[2]] : [text, ''];
  if (!Object.hasOwn(UN_SUFFIXES, suffix)) {
    return suffixProblem(suffix);
  }
  const date = readDate(dateText, latest);
  return typeof date === 'string' ? date : { date, means: UN_SUFFIXES[suffix] };
}

function suffixProblem(suffix: string): string {
  const sameLetters = Object.keys(UN_SUFFIXES).filter(
    (known) => known !== '' && known.toLowerCase() === suffix.toLowerCase(),
  );
  const hint = sameLetters.length > 0 ? ` (case matters: ${sameLetters.join(' or ')}?)` : '';
  return `${shown(suffix)} is not a UN suffix${hint}: after the date write nothing (ratification), A (acceptance), AA (approval), a (accession), d (succession) or s (definitive signature)`;
}

function readSignature(text: string, latest: Date): Date | string {
  const date = readDate(text, latest);
  if (typeof date === 'string' && typeof readConsent(text, latest) !== 'string') {
    return `${shown(text)} is not a date: a suffix belongs in the consent column (a definitive signature is "<date> s" there)`;
  }
  return date;
}
