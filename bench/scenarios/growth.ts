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
 * request reads the database.
 */
export async function growthScenario(settings: Settings) {
  const p50 = async (agreements: number) => {
    const file = join(scratch(), 'ratify.sqlite');
    let ratify = await startRatify(file);
    const id = await statusAgreement(ratify);
    await ratify.stop();
    bulkLoad(file, agreements, settings.eventsPerAgreement);
    ratify = await startRatify(file, { READ_CACHE_ENTRIES: '0' });
    try {
      const requests = settings.quick ? 300 : 2000;
      const ask = () => rawAnswer(ratify.graphqlUrl, STATUS_QUERY, { id });
      for (let i = 0; i < requests / 4; i += 1) await ask(); // warm-up
      const times: number[] = [];
      for (let i = 0; i < requests; i += 1) {
        const start = performance.now();
        await ask();
        times.push(performance.now() - start);
      }
      return median(times);
    } finally {
      await ratify.stop();
    }
  };
  const small = await p50(settings.growthSmall);
  const large = await p50(settings.growthLarge);
  return {
    agreements_small: settings.growthSmall,
    agreements_large: settings.growthLarge,
    events_large: settings.growthLarge * settings.eventsPerAgreement,
    p50_ms_small: round(small),
    p50_ms_large: round(large),
    ratio: round(large / small),
  };
}
