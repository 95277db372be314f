import { join } from 'node:path';
import type { Settings } from '../lib/settings.js';
import { bulkLoad } from '../lib/bulk-load.js';
import { rawAnswer } from '../lib/processes.js';
import { scratch, startRatify, STATUS_QUERY, statusAgreement } from '../lib/ratify.js';
import { median, round } from '../lib/stats.js';

/**
 * The status query's median latency on a database of `growthSmall` agreements and on one of
 * `growthLarge` (ten events each): with the right indexes it does not grow with the database.
 * One request at a time, timed here to the microsecond, with the read cache off so that every
 * request reads the database; the two servers run side by side and are asked in turns.
 */
export async function growthScenario(settings: Settings) {
  /** Ratify on a database of `agreements`, and the status query of one of them. */
  const serve = async (agreements: number) => {
    const file = join(scratch(), 'ratify.sqlite');
    let ratify = await startRatify(file);
    const id = await statusAgreement(ratify);
    await ratify.stop();
    bulkLoad(file, agreements, settings.eventsPerAgreement);
    ratify = await startRatify(file, { READ_CACHE_ENTRIES: '0' });
    return { ratify, ask: () => rawAnswer(ratify.graphqlUrl, STATUS_QUERY, { id }) };
  };
  const servers = [await serve(settings.growthSmall), await serve(settings.growthLarge)];
  try {
    const requests = settings.quick ? 300 : 2000;
    for (const { ask } of servers) {
      for (let i = 0; i < requests / 4; i += 1) await ask(); // warm-up
    }
    // In rounds taken in turn, so that the machine's load falls on both databases alike.
    const times: number[][] = [[], []];
    for (let turn = 0; turn < settings.rounds; turn += 1) {
      for (const [n, { ask }] of servers.entries()) {
        for (let i = 0; i < requests / settings.rounds; i += 1) {
          const start = performance.now();
          await ask();
          times[n].push(performance.now() - start);
        }
      }
    }
    const [small, large] = times.map(median);
    return {
      agreements_small: settings.growthSmall,
      agreements_large: settings.growthLarge,
      events_large: settings.growthLarge * settings.eventsPerAgreement,
      p50_ms_small: round(small),
      p50_ms_large: round(large),
      ratio: round(large / small),
    };
  } finally {
    await Promise.all(servers.map(({ ratify }) => ratify.stop()));
  }
}
