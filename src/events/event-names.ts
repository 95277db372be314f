import type { Select } from '../database/database.service.js';
import type { AgreementEventEntity } from './entities/agreement-event.entity.js';
import type { Names } from './event-sentence.js';

/** The names a sentence about an event needs, with its agreement's stage and version now. */
export interface EventNames extends Names {
  readonly agreements: ReadonlyMap<
    string,
    { title: string; shortTitle: string | null; stage: string; version: number }
  >;
}

/**
 * The titles and stages of the events' agreements and the names of their parties, as they are
 * now: two statements, whatever the number of events (feeds and webhook messages).
 */
export async function readEventNames(
  select: Select,
  events: readonly AgreementEventEntity[],
): Promise<EventNames> {
  const ids = [...new Set(events.map((event) => event.agreementId))];
  const codes = [...new Set(events.flatMap((event) => (event.partyCode ? [event.partyCode] : [])))];
  const marks = (values: unknown[]) => values.map(() => '?').join(', ');
  const agreements = ids.length
    ? await select<{
        id: string;
        title: string;
        shortTitle: string | null;
        stage: string;
        version: number | string;
      }>(
        `SELECT "id", "title", "shortTitle", "stage", "version" FROM "agreement" WHERE "id" IN (${marks(ids)})`,
        ids,
      )
    : [];
  const parties =
    ids.length && codes.length
      ? await select<{
          agreementId: string;
          code: string;
          name: string;
          legislature: string | null;
        }>(
          `SELECT "agreementId", "code", "name", "legislature" FROM "party"
           WHERE "agreementId" IN (${marks(ids)}) AND "code" IN (${marks(codes)})`,
          [...ids, ...codes],
        )
      : [];
  return {
    agreements: new Map(
      agreements.map((row) => [row.id, { ...row, version: Number(row.version) }]),
    ),
    parties: new Map(parties.map((row) => [`${row.agreementId} ${row.code}`, row])),
  };
}
