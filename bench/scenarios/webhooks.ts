import { setPriority } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { advanceLoad } from '../lib/advance-load.js';
import { interleave } from '../lib/load.js';
import { Child, gql, sleep } from '../lib/processes.js';
import { createAgreements, scratch, startRatify } from '../lib/ratify.js';
import type { Settings } from '../lib/settings.js';
import { percentile, round } from '../lib/stats.js';

const WEBHOOKS = 20;
/** Events written as fast as 16 connections go, each sent to every webhook. */
const EVENTS = 2000;
/** Events written at a steady STEADY_RATE per second, to read the lag of a server not saturated. */
const STEADY_EVENTS = 500;
const STEADY_RATE = 100;
const CREATE_WEBHOOK = `mutation ($url: String!) { createWebhook(input: { url: $url }) { webhook { id } } }`;
const HEAD = `{ events(last: 1) { edges { node { sequence } } } }`;
const ADVANCE = `mutation ($id: ID!, $action: WorkflowAction!) { advanceAgreement(input: { agreementId: $id, action: $action }) { id } }`;

interface Tally {
  sequences: number[];
  lags: number[];
}

/**
 * Webhooks on: the writes load of the writes scenario against a server delivering every event
 * to 20 webhooks (receivers on loopback, in a process of their own) and against the same server
 * with none, taken in turn (a round with webhooks ends once every receiver has caught up, so that
 * none of its deliveries falls in the next round of the other); then 2,000 events written as fast
 * as 16 connections go (a burst), and 500 at 100 a second (steady), each delivered to the 20
 * webhooks: all, in order, with the lag from the event's recordedAt to its arrival.
 */
export async function webhooksScenario(settings: Settings) {
  const dir = scratch();
  const receivers = await Child.start(
    'receivers',
    'dist-bench/bench/lib/receivers.js',
    { COUNT: String(WEBHOOKS) },
    '/urls',
  );
  // The receivers stand for systems on other machines: on this one they take only the time the
  // servers under test leave (nice 19), so that their work is not counted against either.
  setPriority(receivers.process.pid!, 19);
  const withFile = join(dir, 'with.sqlite');
  const withoutFile = join(dir, 'without.sqlite');
  const withHooks = await startRatify(withFile, { WEBHOOK_ALLOW_PRIVATE: 'true' });
  const without = await startRatify(withoutFile);
  const databases: Database.Database[] = [];
  try {
    const tallies = async (reset = false) =>
      (await (await fetch(`${receivers.url}/${reset ? 'reset' : 'stats'}`)).json()) as Tally[];
    const head = async (server: Child) =>
      (await gql(server.graphqlUrl, HEAD)).events.edges[0]?.node.sequence as number;
    /** Waits until every receiver has every event up to the head of `server`. */
    const caughtUp = async (server: Child, timeoutMs = 120_000) => {
      const last = await head(server);
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if ((await tallies()).every((tally) => tally.sequences.at(-1) === last)) return true;
        await sleep(50);
      }
      return false;
    };

    const withIds = await createAgreements(withHooks, 64);
    const withoutIds = await createAgreements(without, 64);
    const urls = (await (await fetch(`${receivers.url}/urls`)).json()) as string[];
    for (const url of urls) {
      await gql(withHooks.graphqlUrl, CREATE_WEBHOOK, { url });
    }
    const stageReader = (file: string) => {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      databases.push(db);
      const stage = db.prepare<[string], string>('SELECT "stage" FROM "agreement" WHERE "id" = ?');
      return (id: string) => stage.pluck().get(id)!;
    };
    const stageOfWith = stageReader(withFile);
    const onWith = advanceLoad(withHooks, withIds, stageOfWith);
    const onWithout = advanceLoad(without, withoutIds, stageReader(withoutFile));
    let drained = true;
    const withThenDrain = async (seconds: number) => {
      const result = await onWith(seconds);
      drained = (await caughtUp(withHooks)) && drained;
      return result;
    };
    await withThenDrain(settings.warmupSeconds);
    await onWithout(settings.warmupSeconds);
    const { on, off } = await interleave(
      { on: withThenDrain, off: onWithout },
      settings.seconds,
      settings.rounds,
    );

    const stages = new Map(withIds.map((id) => [id, stageOfWith(id)]));
    /** One write, on the next agreement of `worker`'s share; returns when it is answered. */
    const write = async (worker: number, turn: number) => {
      const mine = withIds.filter((_, index) => index % 16 === worker);
      const id = mine[turn % mine.length];
      const action = stages.get(id) === 'NEGOTIATION' ? 'STALL' : 'RESUME';
      await gql(withHooks.graphqlUrl, ADVANCE, { id, action });
      stages.set(id, action === 'STALL' ? 'STALLED' : 'NEGOTIATION');
    };
    /**
     * `count` events, as fast as 16 connections go or `perSecond`, then until every receiver has
     * them all: whether each got every one in order, and the lags.
     */
    const phase = async (count: number, perSecond: number | null) => {
      await tallies(true);
      const first = (await head(withHooks)) + 1;
      const started = Date.now();
      if (perSecond) {
        for (let turn = 0; turn < count; turn += 1) {
          await write(turn % 16, turn >> 4);
          await sleep(started + ((turn + 1) * 1000) / perSecond - Date.now());
        }
      } else {
        let written = 0;
        await Promise.all(
          Array.from({ length: 16 }, async (_, worker) => {
            for (let turn = 0; written < count; turn += 1) {
              written += 1;
              await write(worker, turn);
            }
          }),
        );
      }
      const writeSeconds = (Date.now() - started) / 1000;
      const last = await head(withHooks);
      const allArrived = await caughtUp(withHooks);
      const deliverySeconds = (Date.now() - started) / 1000;
      const expected = Array.from({ length: last - first + 1 }, (_, i) => first + i);
      const final = await tallies();
      const lags = final.flatMap((tally) => tally.lags);
      return {
        events: expected.length,
        delivered: final.reduce((sum, tally) => sum + tally.sequences.length, 0),
        expected: expected.length * WEBHOOKS,
        inOrder:
          allArrived &&
          final.every((tally) => JSON.stringify(tally.sequences) === JSON.stringify(expected)),
        eventsPerSecond: round(expected.length / writeSeconds),
        deliveriesPerSecond: round((expected.length * WEBHOOKS) / deliverySeconds),
        lagP50: percentile(lags, 50),
        lagP99: percentile(lags, 99),
      };
    };
    // The quick run (CI's smoke test) writes a quarter as many.
    const share = settings.quick ? 4 : 1;
    const burst = await phase(EVENTS / share, null);
    const steady = await phase(STEADY_EVENTS / share, STEADY_RATE);
    return {
      webhooks: WEBHOOKS,
      writes_with_tps: round(on.rps),
      writes_without_tps: round(off.rps),
      writes_ratio: round(on.rps / off.rps),
      errors: on.errors + off.errors,
      drained_each_round: String(drained),
      events: burst.events + steady.events,
      delivered: burst.delivered + steady.delivered,
      expected: burst.expected + steady.expected,
      in_order: String(burst.inOrder && steady.inOrder),
      burst_events: burst.events,
      burst_events_per_s: burst.eventsPerSecond,
      burst_deliveries_per_s: burst.deliveriesPerSecond,
      burst_lag_p50_ms: burst.lagP50,
      burst_lag_p99_ms: burst.lagP99,
      steady_events: steady.events,
      steady_events_per_s: steady.eventsPerSecond,
      steady_lag_p50_ms: steady.lagP50,
      steady_lag_p99_ms: steady.lagP99,
    };
  } finally {
    databases.forEach((db) => db.close());
    await Promise.all([withHooks.stop(), without.stop(), receivers.stop()]);
  }
}
