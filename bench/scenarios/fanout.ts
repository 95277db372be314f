import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Child, gql, sleep } from '../lib/processes.js';
import { createAgreements, scratch, startRatify } from '../lib/ratify.js';
import { median, percentile, round } from '../lib/stats.js';
import { Subscribers } from '../lib/subscribers.js';

const SUBSCRIPTION = `subscription ($id: ID) { agreementStageChanged(agreementId: $id) {
  sequence agreementId type action fromStage toStage occurredAt actor } }`;
const ADVANCE = `mutation ($id: ID!, $action: WorkflowAction!) { advanceAgreement(input: { agreementId: $id, action: $action }) { version } }`;

/** Where the subscribers go (split evenly), and how one change is made happen. */
export interface FanoutTarget {
  servers: Child[];
  /** Makes the `k`-th change happen (a mutation, or a publish for the baseline). */
  change(k: number): Promise<unknown>;
}

async function subscriptions(child: Child): Promise<number> {
  const body = (await (await fetch(`${child.url}/health`)).json()) as { subscriptions: number };
  return body.subscriptions;
}

async function rss(servers: Child[]): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    samples.push(servers.reduce((sum, child) => sum + child.rssBytes(), 0));
    await sleep(200);
  }
  return median(samples);
}

/**
 * `count` subscribers opened at `perSecond`, split evenly across the servers, then `changes`
 * changes one after another: every subscriber's latency from the moment the change is sent to
 * the moment it receives it. The servers' resident memory is read before the subscribers come
 * and once they are idle. Gap-free: every subscriber received every change, their sequences
 * one after another.
 */
export async function measureFanout(
  target: FanoutTarget,
  id: string,
  count: number,
  changes: number,
  perSecond: number,
) {
  const { servers } = target;
  const idle = await rss(servers);
  const subscribers = new Subscribers();
  for (const [i, server] of servers.entries()) {
    const share = Math.floor(count / servers.length) + (i < count % servers.length ? 1 : 0);
    await subscribers.open(server.wsUrl, SUBSCRIPTION, { id }, share, perSecond);
  }
  const deadline = Date.now() + 60_000;
  const open = async () =>
    (await Promise.all(servers.map((server) => subscriptions(server)))).reduce((a, b) => a + b);
  while ((await open()) < count && Date.now() < deadline) {
    await sleep(50);
  }
  await sleep(1000);
  const bytesPerSubscriber = ((await rss(servers)) - idle) / count;
  const sentAt: number[] = [];
  for (let k = 0; k < changes; k += 1) {
    sentAt.push(performance.now());
    await target.change(k);
    await subscribers.waitFor(k + 1, 30_000);
  }
  const latencies = subscribers.arrivals.flatMap((arrivals) =>
    arrivals.slice(0, changes).map((arrivedAt, k) => arrivedAt - sentAt[k]),
  );
  const delivered = subscribers.delivered();
  const gapFree = subscribers.sequences.every(
    (sequences) =>
      sequences.length === changes &&
      sequences.every((sequence, k) => k === 0 || sequence === sequences[k - 1] + 1),
  );
  await subscribers.close();
  return {
    delivered,
    p99Ms: percentile(latencies, 99),
    bytesPerSubscriber,
    failures: subscribers.failures,
    gapFree,
  };
}

/** An agreement in NEGOTIATION with one event, for `fanout`'s subscribers; returns its id. */
export async function fanoutAgreement(ratify: Child): Promise<string> {
  const [id] = await createAgreements(ratify, 1);
  await gql(ratify.graphqlUrl, ADVANCE, { id, action: 'STALL' });
  return id;
}

/** The `k`-th change of a fanout run, made on `ratify`: STALL and RESUME in turn. */
export function advance(ratify: Child, id: string, k: number): Promise<unknown> {
  return gql(ratify.graphqlUrl, ADVANCE, { id, action: k % 2 ? 'STALL' : 'RESUME' });
}

/** Ratify against bare-ws publishing the same payload, `count` subscribers, `changes` changes. */
export async function fanoutScenario(count: number, changes: number) {
  const dir = scratch();
  // Every subscriber connects from 127.0.0.1: the per-address cap (500 by default) is raised
  // above their number, not turned off, so that its bookkeeping is measured too.
  const ratify = await startRatify(join(dir, 'ratify.sqlite'), {
    MAX_CONNECTIONS_PER_ADDRESS: String(count + 100),
  });
  let baseline: Child | undefined;
  try {
    const id = await fanoutAgreement(ratify);
    const { events } = await gql<{ events: { edges: { node: unknown }[] } }>(
      ratify.graphqlUrl,
      `query ($id: ID) { events(agreementId: $id, last: 1) { edges { node { sequence agreementId type action fromStage toStage occurredAt actor } } } }`,
      { id },
    );
    writeFileSync(join(dir, 'event.json'), JSON.stringify(events.edges[0].node));
    const perSecond = count > 5000 ? 1000 : 2000;
    const r = await measureFanout(
      { servers: [ratify], change: (k) => advance(ratify, id, k) },
      id,
      count,
      changes,
      perSecond,
    );
    await ratify.stop();
    baseline = await Child.start('bare-ws', 'dist-bench/bench/baselines/bare-ws.js', {
      FIXTURE_FILE: join(dir, 'event.json'),
    });
    const b = await measureFanout(
      { servers: [baseline], change: () => fetch(`${baseline!.url}/publish`, { method: 'POST' }) },
      id,
      count,
      changes,
      perSecond,
    );
    return {
      subscribers: count,
      delivered: r.delivered,
      expected: count * changes,
      baseline_delivered: b.delivered,
      ratify_p99_ms: round(r.p99Ms),
      baseline_p99_ms: round(b.p99Ms),
      ratio: round(r.p99Ms / b.p99Ms),
      ratify_bytes_per_sub: Math.round(r.bytesPerSubscriber),
      baseline_bytes_per_sub: Math.round(b.bytesPerSubscriber),
      subscribe_failures: r.failures + b.failures,
    };
  } finally {
    await ratify.stop();
    await baseline?.stop();
  }
}
