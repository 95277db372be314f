/**
 * When a failed delivery is tried again (README, "Webhooks"): about 5 s after the first failure,
 * then 30 s, 2 min, 10 min and 1 h, then every 6 h; each delay moved by up to a fifth either way,
 * so that receivers that failed together are not all tried again at the same instant. A webhook
 * still failing FAILURE_WINDOW_MS after its first failure is disabled.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  30_000,
  2 * 60_000,
  10 * 60_000,
  60 * 60_000,
  6 * 60 * 60_000,
];

/** How much of a delay may be added or taken away, as a fraction of it. */
export const JITTER = 0.2;

export const FAILURE_WINDOW_MS = 3 * 24 * 60 * 60_000;

/**
 * The delay before the next attempt after `failures` failed ones in a row (1 or more), with
 * `random` in [0, 1) choosing the jitter.
 */
export function retryDelay(failures: number, random: number = Math.random()): number {
  const index = Math.min(Math.max(failures, 1), RETRY_DELAYS_MS.length) - 1;
  const delay = RETRY_DELAYS_MS[index];
  return Math.round(delay * (1 - JITTER + 2 * JITTER * random));
}

/** Whether a webhook failing since `failingSince` is disabled by a failure at `now`. */
export function failedTooLong(failingSince: Date, now: Date): boolean {
  return now.getTime() - failingSince.getTime() >= FAILURE_WINDOW_MS;
}
