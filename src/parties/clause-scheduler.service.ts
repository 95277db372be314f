import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Metrics } from '../metrics/metrics.js';
import { AgreementCache } from '../agreements/agreement-cache.js';
import { loadAgreement } from '../agreements/agreement-rows.js';
import { commitChange } from '../agreements/agreement-writes.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { Database } from '../database/database.service.js';
import { EventLog } from '../events/event-log.service.js';

/** How often the schedule is read for moves that fell due. */
export const SCHEDULE_CHECK_MS = 1000;

/** Agreements made due per transaction batch; a tick goes on until none is left. */
const BATCH = 50;

/**
 * Makes the moves an agreement's clauses schedule (docs/multilateral.md), at their time, once:
 * every second, and at start for those that fell due while no server ran, it takes the
 * agreements with a move due and settles each in a transaction of its own, which makes every due
 * move (dated as the clause says, not as the clock) and writes the schedule anew. On PostgreSQL
 * the agreement's scheduled rows are locked FOR UPDATE SKIP LOCKED: an instance that finds them
 * taken leaves the agreement to the one that holds them, and finds nothing due once it commits.
 * On SQLite transactions run one at a time. The settlement itself is computed from the stored
 * state, so a second pass over the same agreement makes nothing.
 */
@Injectable()
export class ClauseScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ClauseScheduler.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly log: EventLog,
    private readonly cache: AgreementCache,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), SCHEDULE_CHECK_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) {
      clearInterval(this.timer);
    }
    await this.running;
  }

  /** One pass, unless the last one is still running. */
  tick(): Promise<void> {
    const pass =
      this.running ??
      this.makeDue(new Date())
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error(`Scheduled moves failed: ${String(error)}`))
        .finally(() => (this.running = null));
    this.running = pass;
    return pass;
  }

  /** Settles every agreement with a move due at `now`; returns how many it settled. */
  async makeDue(now: Date): Promise<number> {
    let settled = 0;
    for (;;) {
      const due = await this.db.background<{ agreementId: string }>(
        `SELECT "agreementId" FROM "scheduled_move" WHERE "at" <= ?
         GROUP BY "agreementId" ORDER BY MIN("at") LIMIT ?`,
        [now, BATCH],
      );
      for (const { agreementId } of due) {
        if (this.stopped) {
          return settled;
        }
        settled += (await this.settle(agreementId, now)) ? 1 : 0;
      }
      if (due.length < BATCH) {
        return settled;
      }
    }
  }

  private async settle(agreementId: string, now: Date): Promise<boolean> {
    let due = 0;
    try {
      const saved = await this.log.write(async (log) => {
        const lock = this.db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
        const held = await log.select(
          `SELECT "kind" FROM "scheduled_move" WHERE "agreementId" = ? AND "at" <= ?${lock}`,
          [agreementId, now],
        );
        const agreement =
          held.length > 0 ? await loadAgreement(log.select, 'id', agreementId, this.cache) : null;
        if (!agreement) {
          return null; // made by another instance meanwhile, or being made by it now
        }
        due = held.length;
        return commitChange(
          log,
          agreement,
          { values: {}, parties: new Map(), events: [] },
          { actor: SYSTEM_ACTOR },
          { now },
        );
      });
      if (!saved) {
        return false;
      }
      this.cache.remember(saved);
      this.metrics.scheduledMovesMade.inc(due);
      return true;
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.VERSION_CONFLICT) {
        return false; // a write got there first; the next pass reads what it left
      }
      throw error;
    }
  }
}
