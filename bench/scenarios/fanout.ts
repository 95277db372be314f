import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Child, gql, sleep } from '../lib/processes.js';
import { createAgreements, scratch, startRatify } from '../lib/ratify.js';
import { median, percentile, round } from '../lib/stats.js';
import { Subscribers } from '../lib/subscribers.js';

const SUBSCRIPTION = `subscription ($id: ID) { agreementStageChanged(agreementId: $id) {
  sequence agreementId type action fromStage toStage occurredAt actor } }`;
const ADVANCE = `mutation ($id: ID!, $action: WorkflowAction!) { advanceAgreement(input: { agreementId: $id, action: $action }) { version } }`;

interface Server {
  child: Child;
  /** Makes one change happen (a mutation, or a publish for the baseline). */
  change(k: number): Promise<unknown>;
}

async function subscriptions(child: Child): Promise<number> {
  const body = (await (await fetch(`${child.url}/health`)).json()) as { subscriptions: number };
  return body.subscriptions;
}

async function rss(child: Child): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    samples.push(child.rssBytes());
    await sleep(200);
  }
  return median(samples);
}

/**
 * `count` subscribers opened at `perSecond`, then `changes` changes one after another: every
 * subscriber's latency from the moment the change is sent to the moment it receives it. The
 * server's resident memory is read before the subscribers come and once they are idle.
 */
async function measure(
  server: Server,
  id: string,
  count: number,
  changes: number,
  perSecond: number,
) {
  const idle = await rss(server.child);
  const subscribers = new Subscribers();
  await subscribers.open(server.child.wsUrl, SUBSCRIPTION, { id }, count, perSecond);
  const deadline = Date.now() + 60_000;
  while ((await subscriptions(server.child)) < count && Date.now() < deadline) {
    await sleep(50);
  }
  await sleep(1000);
  const bytesPerSubscriber = ((await rss(server.child)) - idle) / count;
  const sentAt: number[] = [];
  for (let k = 0; k < changes; k += 1) {
    sentAt.push(performance.now());
    await server.change(k);
    await subscribers.waitFor(k + 1, 30_000);
  }
  const latencies = subscribers.arrivals.flatMap((arrivals) =>
    arrivals.slice(0, changes).map((arrivedAt, k) => arrivedAt - sentAt[k]),
  );
  const delivered = subscribers.delivered();
  await subscribers.close();
  return {
    delivered,
    p99Ms: percentile(latencies, 99),
    bytesPerSubscriber,
    failures: subscribers.failures,
  };
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
    const [id] = await createAgreements(ratify, 1);
    await gql(ratify.graphqlUrl, ADVANCE, { id, action: 'STALL' });
    const { events } = await gql<{ events: { edges: { node: unknown }[] } }>(
      ratify.graphqlUrl,
      `query ($id: ID) { events(agreementId: $id, last: 1) { edges { node { sequence agreementId type action fromStage toStage occurredAt actor } } } }`,
      { id },
    );
    writeFileSync(join(dir, 'event.json'), JSON.stringify(events.edges[0].node));
    const perSecond = count > 5000 ? 1000 : 2000;
    const r = await measure(
      {
        child: ratify,
        change: (k) => gql(ratify.graphqlUrl, ADVANCE, { id, action: k % 2 ? 'STALL' : 'RESUME' }),
      },
      id,
      count,
      changes,
      perSecond,
    );
    await ratify.stop();
    baseline = await Child.start('bare-ws', 'dist-bench/bench/baselines/bare-ws.js', {
      FIXTURE_FILE: join(dir, 'event.json'),
    });
    const b = await measure(
      { child: baseline, change: () => fetch(`${baseline!.url}/publish`, { method: 'POST' }) },
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
