import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { advanceLoad } from '../lib/advance-load.js';
import { interleave, observedAgainstUnobserved, pairedRatio } from '../lib/load.js';
import { Child } from '../lib/processes.js';
import { createAgreements, scratch, startRatify, UNOBSERVED } from '../lib/ratify.js';
import type { Settings } from '../lib/settings.js';
import { round } from '../lib/stats.js';

/**
 * advanceAgreement STALL/RESUME cycles from 16 connections over 64 agreements, never two at once
 * on one agreement: Ratify against bare-apollo-sql running the same SQL on a copy of the same
 * database, and against a Ratify with logging and metrics off (`UNOBSERVED`) on another copy,
 * side by side in more rounds (`observedAgainstUnobserved`).
 */
export async function writesScenario(settings: Settings) {
  const dir = scratch();
  const file = join(dir, 'ratify.sqlite');
  let ratify = await startRatify(file);
  const ids = await createAgreements(ratify, 64);
  await ratify.stop();
  const copies = {
    baseline: join(dir, 'baseline.sqlite'),
    unobserved: join(dir, 'unobserved.sqlite'),
  };
  for (const copy of Object.values(copies)) {
    copyFileSync(file, copy);
    for (const suffix of ['-wal', '-shm']) {
      try {
        copyFileSync(file + suffix, copy + suffix);
      } catch {
        // checkpointed already
      }
    }
  }
  ratify = await startRatify(file);
  const unobserved = await startRatify(copies.unobserved, UNOBSERVED);
  const baseline = await Child.start(
    'bare-apollo-sql',
    'dist-bench/bench/baselines/bare-apollo-sql.js',
    { DATABASE_FILE: copies.baseline },
    '/',
  );
  const databases: Database.Database[] = [];
  try {
    /** The load against `server`, which reads stages back from the SQLite file it writes. */
    const loader = (server: Child, file: string) => {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      databases.push(db);
      const stage = db.prepare<[string], string>('SELECT "stage" FROM "agreement" WHERE "id" = ?');
      return advanceLoad(server, ids, (id) => stage.pluck().get(id)!);
    };
    const onRatify = loader(ratify, file);
    const onBaseline = loader(baseline, copies.baseline);
    const onUnobserved = loader(unobserved, copies.unobserved);
    await onRatify(settings.warmupSeconds);
    await onBaseline(settings.warmupSeconds);
    await onUnobserved(settings.warmupSeconds);
    const { ratify: r, baseline: b } = await interleave(
      { ratify: onRatify, baseline: onBaseline },
      settings.seconds,
      settings.rounds,
    );
    const { observed, unobserved: o } = await observedAgainstUnobserved(
      onRatify,
      onUnobserved,
      settings,
    );
    return {
      ratify_tps: round(r.rps),
      baseline_tps: round(b.rps),
      ratio: round(r.rps / b.rps),
      observed_tps: round(observed.rps),
      unobserved_tps: round(o.rps),
      observed_ratio: round(pairedRatio(observed, o)),
      errors: r.errors + observed.errors + o.errors,
      baseline_errors: b.errors,
    };
  } finally {
    databases.forEach((db) => db.close());
    await Promise.all([ratify.stop(), unobserved.stop(), baseline.stop()]);
  }
}
