import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../lib/settings.js';
import { load, type LoadResult } from '../lib/load.js';
import { ADMIN_TOKEN, Child } from '../lib/processes.js';
import { createAgreements, scratch, startRatify } from '../lib/ratify.js';
import { round } from '../lib/stats.js';

const ADVANCE = `mutation ($id: ID!, $action: WorkflowAction!) { advanceAgreement(input: { agreementId: $id, action: $action }) { id stage version } }`;

/**
 * advanceAgreement STALL/RESUME cycles from 16 connections over 64 agreements, never two at once
 * on one agreement: Ratify against bare-apollo-sql running the same SQL on a copy of the same
 * database.
 */
export async function writesScenario(settings: Settings) {
  const dir = scratch();
  const file = join(dir, 'ratify.sqlite');
  let ratify = await startRatify(file);
  const ids = await createAgreements(ratify, 64);
  await ratify.stop();
  copyFileSync(file, join(dir, 'baseline.sqlite'));
  for (const suffix of ['-wal', '-shm']) {
    try {
      copyFileSync(file + suffix, join(dir, `baseline.sqlite${suffix}`));
    } catch {
      // checkpointed already
    }
  }
  ratify = await startRatify(file);
  const baseline = await Child.start(
    'bare-apollo-sql',
    'dist-bench/bench/baselines/bare-apollo-sql.js',
    { DATABASE_FILE: join(dir, 'baseline.sqlite') },
    '/',
  );
  try {
    /**
     * A load against `server` that remembers, across its runs, which agreements are free and in
     * which stage. A request still in flight when a run ends never reports back: its agreement
     * stays out of the pool (at most 16 a run, of 64).
     */
    const loader = (server: Child) => {
      const free = ids.map((id) => ({ id, stage: 'NEGOTIATION' }));
      return (seconds: number): Promise<LoadResult> =>
        load({
          url: server.graphqlUrl,
          connections: 16,
          seconds,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
          body: () => {
            const agreement = free.shift()!;
            const action = agreement.stage === 'NEGOTIATION' ? 'STALL' : 'RESUME';
            return {
              body: JSON.stringify({ query: ADVANCE, variables: { id: agreement.id, action } }),
              done: (ok) => {
                if (ok) agreement.stage = action === 'STALL' ? 'STALLED' : 'NEGOTIATION';
                free.push(agreement);
              },
            };
          },
        });
    };
    const onRatify = loader(ratify);
    await onRatify(settings.warmupSeconds);
    const r = await onRatify(settings.seconds);
    const onBaseline = loader(baseline);
    await onBaseline(settings.warmupSeconds);
    const b = await onBaseline(settings.seconds);
    return {
      ratify_tps: round(r.rps),
      baseline_tps: round(b.rps),
      ratio: round(r.rps / b.rps),
      errors: r.errors,
      baseline_errors: b.errors,
    };
  } finally {
    await Promise.all([ratify.stop(), baseline.stop()]);
  }
}
