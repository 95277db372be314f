// npm run bench [-- --quick]: builds and starts Ratify and its baselines as child processes,
// runs every scenario, writes bench/results/latest.json (quick: quick.json) and, for a full
// run, the table of BENCHMARKS.md. Every figure that matters is a ratio against a baseline
// measured in the same run, on the same machine.
import { readFileSync, writeFileSync } from 'node:fs';
import { fanoutScenario } from './scenarios/fanout.js';
import { clusterScenario } from './scenarios/cluster.js';
import { growthScenario } from './scenarios/growth.js';
import { listScenario } from './scenarios/list.js';
import { multilateralScenario } from './scenarios/multilateral.js';
import { postgresScenario } from './scenarios/postgres.js';
import { queryScenario } from './scenarios/query.js';
import { webhooksScenario } from './scenarios/webhooks.js';
import { writesScenario } from './scenarios/writes.js';
import { machine } from './lib/machine.js';
import { removeLogs } from './lib/ratify.js';
import { FULL, QUICK } from './lib/settings.js';
import { round } from './lib/stats.js';

type Results = Record<string, unknown>;

interface Target {
  scenario: string;
  measure: string;
  target: string;
  holds: (r: any) => boolean;
}

const TARGETS: Target[] = [
  {
    scenario: 'query',
    measure: 'ratio_vs_apollo',
    target: '>= 0.8',
    holds: (r) => r.query.ratio_vs_apollo >= 0.8,
  },
  {
    scenario: 'list',
    measure: 'sql_per_request_10 / _100',
    target: 'equal, <= 4',
    holds: (r) =>
      r.list.sql_per_request_10 === r.list.sql_per_request_100 && r.list.sql_per_request_100 <= 4,
  },
  {
    scenario: 'writes',
    measure: 'ratio',
    target: '>= 0.6, errors = 0',
    holds: (r) => r.writes.ratio >= 0.6 && r.writes.errors === 0,
  },
  {
    scenario: 'fanout',
    measure: 'ratio',
    target: 'all delivered, <= 1.5',
    holds: (r) => r.fanout.delivered === r.fanout.expected && r.fanout.ratio <= 1.5,
  },
  {
    scenario: 'fanout10k',
    measure: 'ratio',
    target: 'all delivered, <= 1.2',
    holds: (r) => r.fanout10k.delivered === r.fanout10k.expected && r.fanout10k.ratio <= 1.2,
  },
  {
    scenario: 'cluster',
    measure: 'delivered / ratio (p99 over fanout10k p99) / gap_free',
    target: 'all / <= 1.2 / true',
    holds: (r) =>
      r.cluster.skipped === undefined &&
      r.cluster.delivered === r.cluster.expected &&
      r.cluster.ratio <= 1.2 &&
      r.cluster.gap_free === 'true',
  },
  { scenario: 'memory', measure: 'ratio', target: '<= 1.5', holds: (r) => r.memory.ratio <= 1.5 },
  {
    scenario: 'observability',
    measure: 'query_ratio / writes_ratio',
    target: '>= 0.9 / >= 0.9',
    holds: (r) => r.observability.query_ratio >= 0.9 && r.observability.writes_ratio >= 0.9,
  },
  { scenario: 'growth', measure: 'ratio', target: '<= 1.2', holds: (r) => r.growth.ratio <= 1.2 },
  {
    scenario: 'multilateral',
    measure: 'ratio_vs_apollo / uncached / party_writes_ratio / sql 50 = 200',
    target: '>= 1.0 / >= 0.5 / >= 0.5, errors = 0 / equal',
    holds: (r) =>
      r.multilateral.ratio_vs_apollo >= 1.0 &&
      r.multilateral.uncached_ratio_vs_apollo >= 0.5 &&
      r.multilateral.party_writes_ratio >= 0.5 &&
      r.multilateral.errors === 0 &&
      r.multilateral.sql_per_request_50 === r.multilateral.sql_per_request_200,
  },
  {
    scenario: 'postgres',
    measure: 'writes_ratio_vs_sqlite / query_ratio_vs_apollo',
    target: '>= 0.5, errors = 0 / >= 0.7',
    holds: (r) =>
      r.postgres.skipped === undefined &&
      r.postgres.writes_ratio_vs_sqlite >= 0.5 &&
      r.postgres.errors === 0 &&
      r.postgres.query_ratio_vs_apollo >= 0.7,
  },
  {
    scenario: 'webhooks',
    measure: 'writes_ratio / delivered / in_order',
    target: '>= 0.8, errors = 0 / all / true',
    holds: (r) =>
      r.webhooks.writes_ratio >= 0.8 &&
      r.webhooks.errors === 0 &&
      r.webhooks.delivered === r.webhooks.expected &&
      r.webhooks.in_order === 'true',
  },
];

const quick = process.argv.includes('--quick');
/** `--only query,writes`: just those scenarios, for working on one (results to only.json). */
const only = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const wanted = (name: string) => !only || only.includes(name);
const settings = quick ? QUICK : FULL;
const started = Date.now();
const results: Results = {
  date: new Date().toISOString(),
  command: quick ? 'npm run bench -- --quick' : 'npm run bench',
  machine: machine(),
};

async function scenario(name: string, run: () => Promise<Record<string, number | string>>) {
  if (!wanted(name)) return;
  const start = Date.now();
  console.log(`== ${name}`);
  results[name] = await run();
  console.log(JSON.stringify(results[name]), `(${((Date.now() - start) / 1000).toFixed(0)} s)`);
}

await scenario('query', () => queryScenario(settings));
await scenario('list', () => listScenario());
await scenario('writes', () => writesScenario(settings));
if (results.query && results.writes) {
  // What logging (at the production level) and metrics cost: the query and writes scenarios each
  // load a Ratify with both off, side by side with Ratify in rounds of their own.
  const query = results.query as Record<string, number>;
  const writes = results.writes as Record<string, number>;
  results.observability = {
    query_rps: query.observed_rps,
    query_unobserved_rps: query.unobserved_rps,
    query_ratio: query.observed_ratio,
    writes_tps: writes.observed_tps,
    writes_unobserved_tps: writes.unobserved_tps,
    writes_ratio: writes.observed_ratio,
  };
}
await scenario('fanout', () => fanoutScenario(settings.fanoutSubscribers, settings.fanoutChanges));
if (results.fanout) {
  // Memory is read during the fanout run, once its subscribers are connected and idle.
  const fanout = results.fanout as Record<string, number>;
  results.memory = {
    subscribers: fanout.subscribers,
    ratify_bytes_per_sub: fanout.ratify_bytes_per_sub,
    baseline_bytes_per_sub: fanout.baseline_bytes_per_sub,
    ratio: Number((fanout.ratify_bytes_per_sub / fanout.baseline_bytes_per_sub).toPrecision(3)),
  };
}
await scenario('fanout10k', async () => {
  const r = await fanoutScenario(settings.bigFanoutSubscribers, settings.bigFanoutChanges);
  return {
    subscribers: r.subscribers,
    delivered: r.delivered,
    expected: r.expected,
    p99_ms: r.ratify_p99_ms,
    baseline_p99_ms: r.baseline_p99_ms,
    ratio: r.ratio,
  };
});
await scenario('cluster', async () => {
  const r = await clusterScenario(settings);
  const single = results.fanout10k as Record<string, number> | undefined;
  return r.skipped || !single
    ? r
    : { ...r, single_p99_ms: single.p99_ms, ratio: round(Number(r.p99_ms) / single.p99_ms) };
});
await scenario('growth', () => growthScenario(settings));
await scenario('multilateral', () => multilateralScenario(settings));
await scenario('postgres', () => postgresScenario(settings));
await scenario('webhooks', () => webhooksScenario(settings));

const verdicts = TARGETS.filter((t) => results[t.scenario]).map((t) => ({
  ...t,
  met: t.holds(results),
}));
results.targets = Object.fromEntries(verdicts.map((v) => [v.scenario, v.met]));
results.seconds = Math.round((Date.now() - started) / 1000);
const file = `bench/results/${only ? 'only' : quick ? 'quick' : 'latest'}.json`;
writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
removeLogs();
console.log(`\nWrote ${file} in ${String(results.seconds)} s`);
for (const v of verdicts) {
  console.log(`${v.met ? 'met    ' : 'NOT MET'}  ${v.scenario}: ${v.measure} ${v.target}`);
}
if (!quick && !only) {
  writeBenchmarksTable(results as any, verdicts);
  console.log('Updated the table in BENCHMARKS.md');
}

function writeBenchmarksTable(r: any, targets: (Target & { met: boolean })[]) {
  const m = r.machine;
  const rows = [
    [
      'query',
      `Ratify ${r.query.ratify_rps} req/s, p99 ${r.query.p99_ms} ms; read cache off: ${r.query.uncached_rps} req/s (${r.query.uncached_ratio_vs_apollo} of bare-apollo)`,
      `bare-apollo ${r.query.apollo_rps} req/s; raw-http ${r.query.raw_rps} req/s`,
      `${r.query.ratio_vs_apollo} of bare-apollo`,
    ],
    [
      'list',
      `${r.list.sql_per_request_10} SQL statements for 10, ${r.list.sql_per_request_100} for 100`,
      '',
      'no N+1',
    ],
    [
      'writes',
      `Ratify ${r.writes.ratify_tps} writes/s, ${r.writes.errors} errors`,
      `bare-apollo-sql ${r.writes.baseline_tps} writes/s`,
      `${r.writes.ratio} of bare-apollo-sql`,
    ],
    [
      'observability',
      `logs at the production level and /metrics on: query ${r.observability.query_rps} req/s, writes ${r.observability.writes_tps}/s`,
      `both off: query ${r.observability.query_unobserved_rps} req/s, writes ${r.observability.writes_unobserved_tps}/s`,
      `query ${r.observability.query_ratio}, writes ${r.observability.writes_ratio} of off (median of the rounds' ratios)`,
    ],
    [
      'fanout',
      `${r.fanout.delivered}/${r.fanout.expected} delivered to ${r.fanout.subscribers}, p99 ${r.fanout.ratify_p99_ms} ms`,
      `bare-ws p99 ${r.fanout.baseline_p99_ms} ms`,
      `${r.fanout.ratio} × bare-ws`,
    ],
    [
      'fanout10k',
      `${r.fanout10k.delivered}/${r.fanout10k.expected} delivered to ${r.fanout10k.subscribers}, p99 ${r.fanout10k.p99_ms} ms`,
      `bare-ws p99 ${r.fanout10k.baseline_p99_ms} ms`,
      `${r.fanout10k.ratio} × bare-ws`,
    ],
    r.cluster.skipped
      ? ['cluster', `skipped: ${r.cluster.skipped}`, '', '']
      : [
          'cluster',
          `${r.cluster.instances} instances on PostgreSQL and Redis, changes made on each in turn: ${r.cluster.delivered}/${r.cluster.expected} delivered to ${r.cluster.subscribers}, p99 ${r.cluster.p99_ms} ms, gap-free: ${r.cluster.gap_free}`,
          `one instance (fanout10k) p99 ${r.cluster.single_p99_ms} ms`,
          `${r.cluster.ratio} × one instance`,
        ],
    [
      'memory',
      `${r.memory.ratify_bytes_per_sub} bytes per idle subscriber`,
      `bare-ws ${r.memory.baseline_bytes_per_sub} bytes`,
      `${r.memory.ratio} × bare-ws`,
    ],
    [
      'growth',
      `p50 ${r.growth.p50_ms_small} ms at ${r.growth.agreements_small} agreements, ${r.growth.p50_ms_large} ms at ${r.growth.agreements_large} (${r.growth.events_large} events)`,
      '',
      `${r.growth.ratio} × small`,
    ],
  ];
  const ml = r.multilateral;
  if (ml) {
    rows.push([
      'multilateral',
      `${ml.parties} parties (${ml.consented} consented): ${ml.ratify_rps} req/s; read cache off ${ml.uncached_rps} req/s (${ml.uncached_ratio_vs_apollo} of bare-apollo); ${ml.sql_per_request_50} SQL statements for 50 parties, ${ml.sql_per_request_200} for 200; party actions ${ml.party_actions_per_s}/s against stage writes ${ml.stage_writes_per_s}/s (${ml.party_writes_ratio}); ${ml.errors} errors`,
      `bare-apollo ${ml.apollo_rps} req/s`,
      `${ml.ratio_vs_apollo} of bare-apollo`,
    ]);
  }
  const wh = r.webhooks;
  if (wh) {
    rows.push([
      'webhooks',
      `writes with ${wh.webhooks} webhooks ${wh.writes_with_tps}/s, ${wh.errors} errors; ${wh.delivered}/${wh.expected} deliveries, in order: ${wh.in_order}; a burst of ${wh.burst_events} events at ${wh.burst_events_per_s}/s: ${wh.burst_deliveries_per_s} deliveries/s, lag p50 ${wh.burst_lag_p50_ms} ms, p99 ${wh.burst_lag_p99_ms} ms; ${wh.steady_events} events at ${wh.steady_events_per_s}/s: lag p50 ${wh.steady_lag_p50_ms} ms, p99 ${wh.steady_lag_p99_ms} ms`,
      `writes with none ${wh.writes_without_tps}/s`,
      `${wh.writes_ratio} of none`,
    ]);
  }
  const pg = r.postgres;
  if (pg) {
    rows.push([
      'postgres',
      pg.skipped
        ? `skipped: ${pg.skipped}`
        : `status query (read cache off) ${pg.query_rps} req/s, p99 ${pg.query_p99_ms} ms; writes ${pg.writes_tps}/s, p99 ${pg.writes_p99_ms} ms; ${pg.errors} errors`,
      pg.skipped
        ? ''
        : `bare-apollo ${pg.apollo_rps} req/s; Ratify on SQLite ${pg.sqlite_writes_tps} writes/s`,
      pg.skipped
        ? ''
        : `query ${pg.query_ratio_vs_apollo} of bare-apollo; writes ${pg.writes_ratio_vs_sqlite} of SQLite`,
    ]);
  }
  const table = [
    `Run of ${r.date.slice(0, 10)} with \`${r.command}\` on ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}; ${r.seconds} s. Figures from \`bench/results/latest.json\`.`,
    '',
    '| scenario | Ratify | baseline, same run | ratio | target | met |',
    '|---|---|---|---|---|---|',
    ...rows.map(([name, ratify, baseline, ratio]) => {
      const target = targets.find((t) => t.scenario === name);
      const verdict = target ? `${target.target} | ${target.met ? 'yes' : '**no**'}` : 'none | ';
      return `| ${name} | ${ratify} | ${baseline} | ${ratio} | ${verdict} |`;
    }),
  ].join('\n');
  const doc = readFileSync('BENCHMARKS.md', 'utf8');
  const pattern = /(<!-- bench:start -->\n)[\s\S]*?(\n<!-- bench:end -->)/;
  if (!pattern.test(doc))
    throw new Error('BENCHMARKS.md has no <!-- bench:start --> … <!-- bench:end --> block');
  writeFileSync('BENCHMARKS.md', doc.replace(pattern, `$1${table}$2`));
}
