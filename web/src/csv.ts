/**
 * The party table as CSV (RFC 4180), for a spreadsheet. Pure (test/web/csv.spec.ts).
 * Dates are calendar days (YYYY-MM-DD); a cell that a spreadsheet would run as a formula
 * (starting with =, +, -, @, a tab or a carriage return) is prefixed with ' so that it is text.
 */

/** A party's columns, as the API returns them (the page's parties table shows the same). */
export interface PartyRow {
  code: string;
  name: string;
  status: string;
  signedAt: string | null;
  consentedAt: string | null;
  consentMeans: string | null;
  consentReference: string | null;
  inForceFrom: string | null;
  provisionalApplicationFrom: string | null;
  withdrawalNoticeAt: string | null;
  withdrawalEffectiveAt: string | null;
  approvalRequired: boolean;
  approvalStatus: string;
  votesFor: number | null;
  votesAgainst: number | null;
  abstentions: number | null;
  legislature: string | null;
  /** The bodies that approve it, in order; the one holding it now; its attempt (1, 2…). */
  bodies: string[];
  currentBody: string | null;
  approvalAttempt: number;
}

const COLUMNS: [string, (party: PartyRow) => string | number | boolean | null][] = [
  ['code', (p) => p.code],
  ['name', (p) => p.name],
  ['status', (p) => p.status],
  ['signature', (p) => day(p.signedAt)],
  ['consent', (p) => day(p.consentedAt)],
  ['consent_means', (p) => p.consentMeans],
  ['consent_reference', (p) => p.consentReference],
  ['in_force_from', (p) => day(p.inForceFrom)],
  ['provisional_application_from', (p) => day(p.provisionalApplicationFrom)],
  ['withdrawal_notice', (p) => day(p.withdrawalNoticeAt)],
  ['withdrawal_effective', (p) => day(p.withdrawalEffectiveAt)],
  ['approval_required', (p) => p.approvalRequired],
  ['approval_status', (p) => p.approvalStatus],
  ['votes_for', (p) => p.votesFor],
  ['votes_against', (p) => p.votesAgainst],
  ['abstentions', (p) => p.abstentions],
  ['legislature', (p) => p.legislature],
  // Only for a party whose approval is required: the API lists a body for the others too.
  ['bodies', (p) => (p.approvalRequired ? p.bodies.join('; ') : null)],
  ['current_body', (p) => (p.approvalRequired ? p.currentBody : null)],
  ['approval_attempt', (p) => (p.approvalRequired ? p.approvalAttempt : null)],
];

function day(iso: string | null): string | null {
  return iso ? iso.slice(0, 10) : null;
}

/** One cell: quoted when it must be, and never a formula. */
export function cell(value: string | number | boolean | null): string {
  if (value === null) {
    return '';
  }
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function partiesCsv(parties: PartyRow[]): string {
  const lines = [
    COLUMNS.map(([name]) => name).join(','),
    ...parties.map((party) => COLUMNS.map(([, value]) => cell(value(party))).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** A file name from a title: `11th-sma-parties.csv`. */
export function csvName(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '-')
    .slice(0, 60);
  return `${slug || 'agreement'}-parties.csv`;
}
