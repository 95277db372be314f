import autocannon from 'autocannon';

export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses that were not 200, carried GraphQL errors, or never came. */
  errors: number;
  requests: number;
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
 * whichever happened to run then. Requests per second over the whole time; p50 the median of
 * the rounds, p99 the worst round's.
 */
export async function interleave<K extends string>(
  loads: Record<K, (seconds: number) => Promise<LoadResult>>,
  seconds: number,
  rounds: number,
): Promise<Record<K, LoadResult>> {
  const names = Object.keys(loads) as K[];
  const runs = new Map<K, LoadResult[]>(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const name of names) {
      runs.get(name)!.push(await loads[name](seconds / rounds));
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
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
        },
      ];
    }),
  ) as Record<K, LoadResult>;
}
