import { Injectable } from '@nestjs/common';
import type { Select } from '../database/database.service.js';
import type { EventLog, LogWriter } from '../events/event-log.service.js';
import { agreementFrom, withParties } from './agreement-rows.js';
import type { AgreementEntity } from './entities/agreement.entity.js';

/** Agreements remembered; the least recently used go first. */
const CAPACITY = 2000;

/**
 * The last committed state this server saw of recently used agreements, to spare reading their
 * parties again: a treaty of 200 parties is 200 rows on every write and every read. An agreement's
 * `version` goes up with every write to it or to its parties (docs/multilateral.md), so the row of
 * the agreement, always read, says whether the remembered parties are still its parties: same
 * version, same parties, whichever instance wrote them. Only committed states are remembered.
 */
@Injectable()
export class AgreementCache {
  private readonly entries = new Map<string, AgreementEntity>();

  /**
   * States written by writes that are done but not committed, per SQL transaction (a SQLite
   * group): the writes after them in the same transaction see them; nothing else does, and they
   * go with their transaction.
   */
  private readonly uncommitted = new WeakMap<object, Map<string, AgreementEntity>>();

  /**
   * The agreements of these rows of `agreement` (as `SELECT *` gives them), with their parties:
   * remembered ones for the rows at a remembered version, one statement for the others. Inside a
   * transaction (`scope`), what its earlier writes left counts too.
   */
  async withParties(
    select: Select,
    rows: Record<string, unknown>[],
    scope?: object,
  ): Promise<AgreementEntity[]> {
    const known = new Map<string, AgreementEntity>();
    const unknown: Record<string, unknown>[] = [];
    const pending = scope ? this.uncommitted.get(scope) : undefined;
    for (const row of rows) {
      const id = row.id as string;
      const remembered =
        pending?.get(id)?.version === Number(row.version) ? pending.get(id) : this.entries.get(id);
      if (remembered && remembered.version === Number(row.version)) {
        known.set(remembered.id, agreementFrom(row, remembered.parties));
      } else {
        unknown.push(row);
      }
    }
    for (const agreement of await withParties(select, unknown)) {
      known.set(agreement.id, agreement);
    }
    return rows.map((row) => known.get(row.id as string)!);
  }

  /**
   * Runs a write to one agreement through the event log and remembers the agreement it returns:
   * for the writes after it in the same transaction, then, once committed, for every one.
   */
  async write(
    log: EventLog,
    work: (writer: LogWriter) => Promise<AgreementEntity>,
  ): Promise<AgreementEntity> {
    return this.remember(
      await log.write(async (writer) => this.written(writer.scope, await work(writer))),
    );
  }

  /**
   * Remembers the state a write left in transaction `scope`, for the writes after it in the same
   * transaction; call it last in the write, once nothing after it can fail.
   */
  written(scope: object, agreement: AgreementEntity): AgreementEntity {
    let pending = this.uncommitted.get(scope);
    if (!pending) {
      pending = new Map();
      this.uncommitted.set(scope, pending);
    }
    pending.set(agreement.id, agreement);
    return agreement;
  }

  /** Remembers a committed state, unless a later one is remembered already. */
  remember(agreement: AgreementEntity): AgreementEntity {
    const current = this.entries.get(agreement.id);
    if (!current || current.version <= agreement.version) {
      this.entries.delete(agreement.id);
      this.entries.set(agreement.id, agreement);
      if (this.entries.size > CAPACITY) {
        this.entries.delete(this.entries.keys().next().value!);
      }
    }
    return agreement;
  }

  /** Remembers what a committed read or write returned. */
  rememberAll(agreements: readonly (AgreementEntity | null)[]): void {
    for (const agreement of agreements) {
      if (agreement) {
        this.remember(agreement);
      }
    }
  }
}
