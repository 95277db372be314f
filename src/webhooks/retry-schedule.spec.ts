import { describe, expect, it } from '@jest/globals';
import { failedTooLong, FAILURE_WINDOW_MS, retryDelay, RETRY_DELAYS_MS } from './retry-schedule.js';

describe('the retry schedule', () => {
  it('waits about 5 s, 30 s, 2 min, 10 min, 1 h, then every 6 h', () => {
    const middle = [1, 2, 3, 4, 5, 6, 7, 50].map((failures) => retryDelay(failures, 0.5));
    expect(middle).toEqual([
      5_000, 30_000, 120_000, 600_000, 3_600_000, 21_600_000, 21_600_000, 21_600_000,
    ]);
  });

  it('moves each delay by at most a fifth either way, and by different amounts', () => {
    for (const [index, delay] of RETRY_DELAYS_MS.entries()) {
      expect(retryDelay(index + 1, 0)).toBe(delay * 0.8);
      expect(retryDelay(index + 1, 0.999999)).toBeLessThanOrEqual(delay * 1.2);
      expect(retryDelay(index + 1, 0.999999)).toBeGreaterThan(delay * 1.19);
    }
    const spread = new Set(Array.from({ length: 50 }, () => retryDelay(1)));
    expect(spread.size).toBeGreaterThan(10);
    for (const delay of spread) {
      expect(delay).toBeGreaterThanOrEqual(4_000);
      expect(delay).toBeLessThanOrEqual(6_000);
    }
  });

  it('treats a count below one as the first failure', () => {
    expect(retryDelay(0, 0.5)).toBe(5_000);
    expect(retryDelay(-3, 0.5)).toBe(5_000);
  });

  it('gives up after three days of failures, not a moment before', () => {
    const since = new Date('2026-12-01T00:00:00Z');
    expect(FAILURE_WINDOW_MS).toBe(259_200_000);
    expect(failedTooLong(since, new Date('2026-12-03T23:59:59.999Z'))).toBe(false);
    expect(failedTooLong(since, new Date('2026-12-04T00:00:00Z'))).toBe(true);
    // Attempts on the schedule until then: the sixth and later every 6 hours.
    let elapsed = 0;
    let attempts = 1;
    while (elapsed < FAILURE_WINDOW_MS) {
      elapsed += retryDelay(attempts, 0.5);
      attempts += 1;
    }
    expect(attempts).toBe(18); // the first and 17 retries
  });
});
