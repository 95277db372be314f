import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { interleave, load, type LoadResult } from '../lib/load.js';
import { ADMIN_TOKEN, Child, sleep } from '../lib/processes.js';
import { createAgreements, scratch, startRatify } from '../lib/ratify.js';
import type { Settings } from '../lib/settings.js';
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
  const databases: Database.Database[] = [];
  try {
    /**
     * A load against `server` that remembers, across its runs, which agreements are free and in
     * which stage, so that no two requests are ever on one agreement at once. A request still in
     * flight when a run ends never reports back: once the server is done with it, its agreement
     * goes back to the pool in the stage the server's database has.
     */
    const loader = (server: Child, file: string) => {
      const free = ids.map((id) => ({ id, stage: 'NEGOTIATION' }));
      const busy = new Set<(typeof free)[number]>();
      const db = new Database(file, { readonly: true, fileMustExist: true });
      databases.push(db);
      const stageOf = db.prepare<[string], string>(
        'SELECT "stage" FROM "agreement" WHERE "id" = ?',
      );
      return async (seconds: number): Promise<LoadResult> => {
        const result = await load({
          url: server.graphqlUrl,
          connections: 16,
          seconds,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
          body: () => {
            const agreement = free.shift()!;
            busy.add(agreement);
            const action = agreement.stage === 'NEGOTIATION' ? 'STALL' : 'RESUME';
            return {
              body: JSON.stringify({ query: ADVANCE, variables: { id: agreement.id, action } }),
              done: (ok) => {
                if (ok) agreement.stage = action === 'STALL' ? 'STALLED' : 'NEGOTIATION';
                busy.delete(agreement);
                free.push(agreement);
              },
            };
          },
        });
        await sleep(250);
        for (const agreement of busy) {
          agreement.stage = stageOf.pluck().get(agreement.id)!;
          free.push(agreement);
        }
        busy.clear();
        return result;
      };
    };
    const onRatify = loader(ratify, file);
    const onBaseline = loader(baseline, join(dir, 'baseline.sqlite'));
    await onRatify(settings.warmupSeconds);
    await onBaseline(settings.warmupSeconds);
    const { ratify: r, baseline: b } = await interleave(
      { ratify: onRatify, baseline: onBaseline },
      settings.seconds,
      settings.rounds,
    );
    return {
      ratify_tps: round(r.rps),
      baseline_tps: round(b.rps),
      ratio: round(r.rps / b.rps),
      errors: r.errors,
      baseline_errors: b.errors,
    };
  } finally {
    databases.forEach((db) => db.close());
    await Promise.all([ratify.stop(), baseline.stop()]);
  }
}
