import autocannon from 'autocannon';
import type { Settings } from './settings.js';
import { median } from './stats.js';

export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses that were not 200, carried GraphQL errors, or never came. */
  errors: number;
  requests: number;
  /** Requests per second of each round, in order, where the load ran in rounds (`interleave`). */
  rounds?: number[];
}

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  /** The body of each request; called once per request when a function. */
  body: string | (() => { body: string; done: (ok: boolean) => void });
  headers?: Record<string, string>;
}

/** Runs autocannon against one server and counts the answers that are not clean. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  let errors = 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        setupRequest: (request: any, context: any) => {
          if (typeof options.body === 'string') {
            return { ...request, body: options.body };
          }
          const { body, done } = options.body();
          context.done = done;
          return { ...request, body };
        },
        onResponse: (status: number, body: string, context: any) => {
          const ok = status === 200 && !body.includes('"errors"');
          if (status === 200 && !ok) errors += 1; // autocannon counts the non-200 itself
          (context.done as ((ok: boolean) => void) | undefined)?.(ok);
        },
      } as any,
    ],
  });
  return {
    rps: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: errors + result.non2xx + result.errors + result.timeouts,
    requests: result.requests.total,
  };
}

/**
 * Runs each load in turn, `rounds` times, `seconds / rounds` each, and adds up what each server
 * did: a change in the load of this shared machine then falls on every server alike, not on
 * whichever happened to run then. Every other round runs them in the reverse order, so that no
 * server is always the first after the others (or after itself). Requests per second over the
 * whole time, and of each round; p50 the median of the rounds, p99 the worst round's.
 */
export async function interleave<K extends string>(
  loads: Record<K, (seconds: number) => Promise<LoadResult>>,
  seconds: number,
  rounds: number,
): Promise<Record<K, LoadResult>> {
  const names = Object.keys(loads) as K[];
  const runs = new Map<K, LoadResult[]>(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      runs.get(name)!.push(await loads[name](seconds / rounds));
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const results = runs.get(name)!;
      const requests = results.reduce((sum, result) => sum + result.requests, 0);
      return [
        name,
        {
          rps: requests / seconds,
          p50Ms: median(results.map((result) => result.p50Ms)),
          p99Ms: Math.max(...results.map((result) => result.p99Ms)),
          errors: results.reduce((sum, result) => sum + result.errors, 0),
          requests,
          rounds: results.map((result) => result.rps),
        },
      ];
    }),
  ) as Record<K, LoadResult>;
}

/**
 * How `a` compares with `b`, two servers run next to each other in every round of `interleave`
 * (adjacent keys): the median of the rounds' ratios. For two servers that differ by a few
 * percent, as one with logging and metrics on and one with them off: on this shared machine one
 * round can run 10-15% faster or slower than the next for reasons of its own, which the totals
 * carry into their ratio and the median of side-by-side rounds leaves out.
 */
export function pairedRatio(a: LoadResult, b: LoadResult): number {
  if (!a.rounds || !b.rounds || a.rounds.length !== b.rounds.length) {
    throw new Error('pairedRatio compares two loads of the same interleave');
  }
  return median(a.rounds.map((rps, round) => rps / b.rounds![round]));
}

/**
 * A Ratify with logging and metrics on (`observed`) and one with them off, side by side in three
 * times the rounds of the other comparisons, for their `pairedRatio`: the few percent between
 * them are less than what separates one round from the next here, and the median of fifteen
 * pairs of rounds tells them apart more surely than that of five.
 */
export async function observedAgainstUnobserved(
  observed: (seconds: number) => Promise<LoadResult>,
  unobserved: (seconds: number) => Promise<LoadResult>,
  settings: Settings,
): Promise<{ observed: LoadResult; unobserved: LoadResult }> {
  return interleave({ observed, unobserved }, settings.seconds * 3, settings.rounds * 3);
}
