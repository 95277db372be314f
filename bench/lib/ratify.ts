import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_TOKEN, Child, gql, rawAnswer } from './processes.js';

/** A fresh folder for one scenario's database files. */
export function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'ratify-bench-'));
}

/** Ratify as `npm run start:prod` runs it, in production mode, on the SQLite file `file`. */
export function startRatify(file: string, env: Record<string, string> = {}): Promise<Child> {
  return startRatifyOn(`sqlite:${file}`, env);
}

/**
 * Logging and metrics off: the other side of the `observability` measure. Every other Ratify of
 * the bench runs as production does, at the default log level (one line per request) with
 * /metrics on.
 */
export const UNOBSERVED = { LOG_LEVEL: 'warn', METRICS: 'false' };

let servers = 0;

/**
 * Ratify as `npm run start:prod` runs it, in production mode, on the database `databaseUrl`,
 * its log lines written to a file of its own (`ratify-N.log` in a scratch folder, as a log
 * shipper would read them).
 */
export function startRatifyOn(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<Child> {
  servers += 1;
  return Child.start(
    'ratify',
    'dist/main.js',
    {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      ADMIN_TOKEN,
      SEED_DEMO: 'false',
      RATE_LIMIT_WRITES_PER_MINUTE: '0',
      ...env,
    },
    '/health',
    join(logs(), `ratify-${servers}.log`),
  );
}

let logsFolder: string | undefined;

/** The folder of this run's server logs; removed with `removeLogs`. */
function logs(): string {
  logsFolder ??= mkdtempSync(join(tmpdir(), 'ratify-bench-logs-'));
  return logsFolder;
}

export function removeLogs(): void {
  if (logsFolder) rmSync(logsFolder, { recursive: true, force: true });
}

/** The status query of the query and growth scenarios: what a tracker page shows. */
export const STATUS_QUERY = `query Status($id: ID!) {
  agreement(id: $id) {
    id title shortTitle stage stageEnteredAt version
    parties { code name legislature approvalRequired approvalStatus votesFor votesAgainst abstentions }
    availableActions
    timeline(last: 5) { edges { node { sequence type action toStage partyCode approvalStatus occurredAt actor note } } }
  }
}`;

const CREATE = `mutation ($input: CreateAgreementInput!) { createAgreement(input: $input) { id } }`;
const ADVANCE = `mutation ($id: ID!, $action: WorkflowAction!) { advanceAgreement(input: { agreementId: $id, action: $action }) { id } }`;
const STEP = `mutation ($id: ID!, $status: ApprovalStatus!) { recordApprovalStep(input: { agreementId: $id, partyCode: "KR", status: $status }) { id } }`;

export const PARTIES = [
  { code: 'US', name: 'United States', approvalRequired: false },
  {
    code: 'KR',
    name: 'Republic of Korea',
    legislature: 'National Assembly',
    approvalRequired: true,
  },
];

/** Registers `count` agreements in NEGOTIATION; returns their ids. */
export async function createAgreements(ratify: Child, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const { createAgreement } = await gql<{ createAgreement: { id: string } }>(
      ratify.graphqlUrl,
      CREATE,
      {
        input: { title: `Agreement ${i}`, shortTitle: `A${i}`, kind: 'TREATY', parties: PARTIES },
      },
    );
    ids.push(createAgreement.id);
  }
  return ids;
}

/** An agreement with a history worth showing: eight events, in parliamentary review. */
export async function statusAgreement(ratify: Child): Promise<string> {
  const [id] = await createAgreements(ratify, 1);
  for (const action of [
    'STALL',
    'RESUME',
    'REACH_AGREEMENT_IN_PRINCIPLE',
    'SIGN',
    'SUBMIT_FOR_APPROVAL',
  ]) {
    await gql(ratify.graphqlUrl, ADVANCE, { id, action });
  }
  for (const status of ['SUBMITTED', 'IN_COMMITTEE']) {
    await gql(ratify.graphqlUrl, STEP, { id, status });
  }
  return id;
}

const BASELINE_FILE_VARIABLE = { 'bare-apollo': 'FIXTURE_FILE', 'raw-http': 'RESPONSE_FILE' };

/**
 * A baseline of the status query answering, from memory, the bytes `ratify` answers for the
 * agreement `id`: checked to answer the same bytes before any load is measured.
 */
export async function startStatusBaseline(
  name: keyof typeof BASELINE_FILE_VARIABLE,
  ratify: Child,
  id: string,
  query = STATUS_QUERY,
): Promise<Child> {
  const answer = await rawAnswer(ratify.graphqlUrl, query, { id });
  const file = join(scratch(), 'answer.json');
  writeFileSync(file, answer);
  const baseline = await Child.start(
    name,
    `dist-bench/bench/baselines/${name}.js`,
    { [BASELINE_FILE_VARIABLE[name]]: file },
    '/',
  );
  const same = await rawAnswer(baseline.graphqlUrl, query, { id });
  if (same !== answer) {
    await baseline.stop();
    throw new Error(`${name} does not answer the same bytes as Ratify:\n${same}\n${answer}`);
  }
  return baseline;
}
