import { join } from 'node:path';
import { isISO31661Alpha2 } from 'class-validator';
import { advanceLoad } from '../lib/advance-load.js';
import { interleave, load, type LoadResult } from '../lib/load.js';
import { ADMIN_TOKEN, gql, sleep, type Child } from '../lib/processes.js';
import { createAgreements, scratch, startRatify, startStatusBaseline } from '../lib/ratify.js';
import type { Settings } from '../lib/settings.js';
import { round } from '../lib/stats.js';

/** What a treaty office's page shows of a multilateral treaty: every party, and the count. */
export const MULTILATERAL_QUERY = `query Treaty($id: ID!) {
  agreement(id: $id) {
    id title stage version
    parties { code name status consentMeans consentedAt inForceFrom provisionalApplicationFrom }
    entryIntoForce { consents share missingParties conditionMetAt date }
  }
}`;

const CREATE = `mutation ($input: CreateAgreementInput!) { createAgreement(input: $input) { id } }`;
const ACT = `mutation ($input: RecordPartyActionInput!) { recordPartyAction(input: $input) { id version } }`;

/** The first `count` ISO 3166-1 alpha-2 codes, AA to ZZ. */
function codes(count: number): string[] {
  const all: string[] = [];
  for (let a = 65; a <= 90; a += 1) {
    for (let b = 65; b <= 90; b += 1) {
      const code = String.fromCharCode(a, b);
      if (isISO31661Alpha2(code)) all.push(code);
    }
  }
  return all.slice(0, count);
}

/**
 * A treaty of `parties` states opened for signature, `consented` of which have ratified (the
 * condition, 60% of them, not met yet): one CONSENT each, in date order.
 */
async function treaty(ratify: Child, parties: number, consented: number): Promise<string> {
  const { createAgreement } = await gql<{ createAgreement: { id: string } }>(
    ratify.graphqlUrl,
    CREATE,
    {
      input: {
        title: `A convention of ${parties} states`,
        kind: 'TREATY',
        stage: 'SIGNED',
        stageEnteredAt: '2000-01-01T00:00:00Z',
        entryIntoForce: {
          kind: 'THRESHOLD',
          instruments: Math.ceil(parties * 0.6),
          daysAfter: 90,
        },
        parties: codes(parties).map((code) => ({
          code,
          name: `State ${code}`,
          approvalRequired: false,
        })),
      },
    },
  );
  const id = createAgreement.id;
  for (const [i, code] of codes(consented).entries()) {
    await gql(ratify.graphqlUrl, ACT, {
      input: {
        agreementId: id,
        partyCode: code,
        action: 'CONSENT',
        means: 'RATIFICATION',
        occurredAt: new Date(Date.UTC(2001, 0, 1 + i)).toISOString(),
      },
    });
  }
  return id;
}

/**
 * Party actions on one treaty from 16 connections: each takes a party no other request holds and
 * starts or ends its provisional application, so that every action is allowed.
 */
function partyLoad(ratify: Child, id: string, parties: readonly string[]) {
  const free = parties.map((code) => ({ code, applying: false }));
  const busy = new Set<(typeof free)[number]>();
  return async (seconds: number): Promise<LoadResult> => {
    const result = await load({
      url: ratify.graphqlUrl,
      connections: 16,
      seconds,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: () => {
        const party = free.shift()!;
        busy.add(party);
        const action = party.applying
          ? 'END_PROVISIONAL_APPLICATION'
          : 'START_PROVISIONAL_APPLICATION';
        return {
          body: JSON.stringify({
            query: ACT,
            variables: { input: { agreementId: id, partyCode: party.code, action } },
          }),
          done: (ok) => {
            if (ok) party.applying = !party.applying;
            busy.delete(party);
            free.push(party);
          },
        };
      },
    });
    // A request cut off by the end of the run may have been made: read where each party is.
    await sleep(250);
    if (busy.size > 0) {
      const { agreement } = await gql<{
        agreement: { parties: { code: string; provisionalApplicationFrom: string | null }[] };
      }>(
        ratify.graphqlUrl,
        `query ($id: ID!) { agreement(id: $id) { parties { code provisionalApplicationFrom } } }`,
        { id },
      );
      const applying = new Map(
        agreement.parties.map((p) => [p.code, p.provisionalApplicationFrom !== null]),
      );
      for (const party of busy) {
        party.applying = applying.get(party.code) ?? party.applying;
        free.push(party);
      }
      busy.clear();
    }
    return result;
  };
}

async function sqlCount(ratify: Child): Promise<number> {
  const health = (await (await fetch(`${ratify.url}/health`)).json()) as { sqlQueries: number };
  return health.sqlQueries;
}

/**
 * A multilateral treaty of 200 parties, 100 of them consented: its status query (every party and
 * the entry-into-force count) under 20 connections against bare-apollo answering the same bytes,
 * with the read cache on and off; the SQL statements of that query for 50 and for 200 parties;
 * and party actions on it (provisional application started and ended), against the stage
 * actions of the writes scenario on the same server in the same run.
 */
export async function multilateralScenario(settings: Settings) {
  const dir = scratch();
  const file = join(dir, 'ratify.sqlite');
  const servers: Child[] = [];
  try {
    const counting = await startRatify(file, {
      COUNT_SQL_QUERIES: 'true',
      READ_CACHE_ENTRIES: '0',
    });
    servers.push(counting);
    const small = await treaty(counting, 50, 25);
    const id = await treaty(counting, 200, 100);
    const statements = async (treatyId: string) => {
      const requests = 5;
      const before = await sqlCount(counting);
      for (let i = 0; i < requests; i += 1) {
        await gql(counting.graphqlUrl, MULTILATERAL_QUERY, { id: treatyId });
      }
      return round(((await sqlCount(counting)) - before - 1) / requests);
    };
    const sql50 = await statements(small);
    const sql200 = await statements(id);
    await counting.stop();

    const ratify = await startRatify(file);
    servers.push(ratify);
    const apollo = await startStatusBaseline('bare-apollo', ratify, id, MULTILATERAL_QUERY);
    servers.push(apollo);
    const body = JSON.stringify({ query: MULTILATERAL_QUERY, variables: { id } });
    // The same query on a second Ratify, on the same file, with its read cache off.
    const uncached = await startRatify(file, { READ_CACHE_ENTRIES: '0' });
    servers.push(uncached);
    const read = (server: Child, seconds: number) =>
      load({ url: server.graphqlUrl, connections: 20, seconds, body });
    for (const server of [ratify, apollo, uncached]) {
      await read(server, settings.warmupSeconds);
    }
    const reads = await interleave(
      {
        ratify: (s) => read(ratify, s),
        apollo: (s) => read(apollo, s),
        uncached: (s) => read(uncached, s),
      },
      settings.seconds,
      settings.rounds,
    );
    await uncached.stop();

    // Writes: party actions on the 200-party treaty, and the writes scenario's stage actions
    // on 64 two-party agreements, taken in turn on the same server.
    const stageIds = await createAgreements(ratify, 64);
    const stages = new Map(stageIds.map((stageId) => [stageId, 'NEGOTIATION']));
    const onStages = advanceLoad(ratify, stageIds, async (stageId) => {
      const { agreement } = await gql<{ agreement: { stage: string } }>(
        ratify.graphqlUrl,
        `query ($id: ID!) { agreement(id: $id) { stage } }`,
        { id: stageId },
      );
      stages.set(stageId, agreement.stage);
      return agreement.stage;
    });
    const onParties = partyLoad(ratify, id, codes(200));
    await onStages(settings.warmupSeconds);
    await onParties(settings.warmupSeconds);
    const writes = await interleave(
      { parties: onParties, stages: onStages },
      settings.seconds,
      settings.rounds,
    );
    await ratify.stop();
    const u = reads.uncached;
    return {
      parties: 200,
      consented: 100,
      ratify_rps: round(reads.ratify.rps),
      apollo_rps: round(reads.apollo.rps),
      ratio_vs_apollo: round(reads.ratify.rps / reads.apollo.rps),
      uncached_rps: round(u.rps),
      uncached_ratio_vs_apollo: round(u.rps / reads.apollo.rps),
      party_actions_per_s: round(writes.parties.rps),
      stage_writes_per_s: round(writes.stages.rps),
      party_writes_ratio: round(writes.parties.rps / writes.stages.rps),
      sql_per_request_50: sql50,
      sql_per_request_200: sql200,
      errors:
        reads.ratify.errors +
        reads.apollo.errors +
        u.errors +
        writes.parties.errors +
        writes.stages.errors,
    };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}
