import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { droppedLogLines } from '../logging/logging.js';

/** How many operation names the metrics tell apart; the rest count as `other`. */
export const MAX_OPERATION_NAMES = 100;
/** An operation name longer than this counts as `other`: a label is not a place for a payload. */
const MAX_NAME_LENGTH = 64;

/** A GraphQL name; a client's `operationName` that is not one counts as `other`. */
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** GraphQL's operation types, and `unknown` for a request refused before its operation was known. */
export type OperationType = 'query' | 'mutation' | 'subscription' | 'unknown';

/**
 * Ratify's Prometheus metrics (README, "Operating Ratify"), in a registry of its own: what the
 * operations do, and, read when scraped, what the server holds. Every label takes a bounded set
 * of values, so that no client can grow the registry: operation names beyond the first
 * MAX_OPERATION_NAMES count as `other`, outcomes are the error codes of docs/design.md §2.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly names = new Set<string>();

  /** The operations answered, by their labels (a `Tally`, handed to the counter when scraped). */
  private readonly operationCounts = new Tally([
    'operation',
    'type',
    'transport',
    'outcome',
  ] as const);

  private readonly operations = new Counter({
    name: 'ratify_graphql_operations_total',
    help: 'GraphQL operations answered, by operation name, type, transport and outcome (OK or the error code).',
    labelNames: ['operation', 'type', 'transport', 'outcome'] as const,
    registers: [this.registry],
    collect: (): void => this.operationCounts.handTo(this.operations),
  });

  /**
   * One histogram per operation type rather than a `type` label: each is then a single series,
   * which every reader of the text format takes whole (some merge a labelled histogram's series).
   */
  private readonly durations = {
    query: this.latency('query'),
    mutation: this.latency('mutation'),
  };

  /** Reads of the read cache, hit or miss, counted as the operations are. */
  private readonly cacheReads = new Tally(['result'] as const);

  private readonly readCache = new Counter({
    name: 'ratify_read_cache_requests_total',
    help: 'Reads the read cache could answer (hit) or not (miss).',
    labelNames: ['result'] as const,
    registers: [this.registry],
    collect: (): void => this.cacheReads.handTo(this.readCache),
  });

  readonly rateLimited = new Counter({
    name: 'ratify_rate_limit_refusals_total',
    help: 'Requests refused by a rate limit (RATE_LIMITED), by limit.',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  readonly publishLag = new Histogram({
    name: 'ratify_event_publish_lag_seconds',
    help: 'From an event being recorded to its delivery to this instance’s subscribers.',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly scheduledMovesMade = new Counter({
    name: 'ratify_scheduled_moves_made_total',
    help: 'Moves the treaties’ clauses made on their dates (entry into force, withdrawals, expiry).',
    registers: [this.registry],
  });

  /** Read from the log's own count when scraped (logging.ts keeps it). */
  private readonly logLinesDropped = new Counter({
    name: 'ratify_log_lines_dropped_total',
    help: 'Log lines dropped because the log’s reader (stdout) did not keep up with 16 MB held.',
    registers: [this.registry],
    collect: (): void => {
      this.logLinesDropped.reset();
      this.logLinesDropped.inc(droppedLogLines());
    },
  });

  readonly webhookDeliveries = new Counter({
    name: 'ratify_webhook_deliveries_total',
    help: 'Webhook delivery attempts, by outcome (success or failure).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor(@Inject(APP_CONFIG) readonly config: AppConfig) {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Counts one operation's answer, and times it when it is a query or a mutation. */
  operation(
    name: string | null | undefined,
    type: OperationType,
    transport: 'http' | 'websocket',
    outcome: string,
    seconds?: number,
  ): void {
    if (!this.config.metrics) {
      return;
    }
    this.operationCounts.add(this.nameLabel(name), type, transport, outcome);
    if (seconds !== undefined && (type === 'query' || type === 'mutation')) {
      this.durations[type].observe(seconds);
    }
  }

  /** A read the read cache answered (`fresh`) or not. */
  cacheRead(fresh: boolean): void {
    if (this.config.metrics) {
      this.cacheReads.add(fresh ? 'hit' : 'miss');
    }
  }

  private latency(type: 'query' | 'mutation'): Durations {
    return new Durations(
      `ratify_graphql_${type}_duration_seconds`,
      `Time to answer a GraphQL ${type}, over HTTP or WebSocket, from its request to its answer.`,
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      this.registry,
    );
  }

  /**
   * A gauge read when scraped (`read` may query the database; a failure leaves the gauge as it
   * was and is left to the readiness check to report).
   */
  gauge(name: string, help: string, read: () => number | Promise<number>): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        try {
          this.set(await read());
        } catch {
          // The database may be away: /health/ready says so.
        }
      },
    });
  }

  private nameLabel(name: string | null | undefined): string {
    if (!name) {
      return 'anonymous';
    }
    if (this.names.has(name)) {
      return name;
    }
    if (
      name.length > MAX_NAME_LENGTH ||
      !GRAPHQL_NAME.test(name) ||
      this.names.size >= MAX_OPERATION_NAMES
    ) {
      return 'other';
    }
    this.names.add(name);
    return name;
  }
}

/**
 * Counts by label set, kept in plain numbers and handed to a prom-client counter when it is
 * scraped: prom-client sorts, joins and checks the labels on each `inc`, which on every request
 * cost more than all the rest of the metrics. The label set of the last `add` is remembered:
 * requests come in runs of the same operation, and a run is counted without building a key.
 */
class Tally<Label extends string> {
  private readonly counts = new Map<string, Count<Label>>();
  private last: Count<Label> | null = null;

  constructor(private readonly labels: readonly Label[]) {}

  /** One more of the label set whose values, in the order of `labels`, are these. */
  add(...values: string[]): void {
    if (this.last && sameValues(values, this.last.values)) {
      this.last.count += 1;
      return;
    }
    const key = values.join('\0'); // no value holds a NUL: an operation's name is a GraphQL name
    let count = this.counts.get(key);
    if (count) {
      count.count += 1;
    } else {
      const labels = Object.fromEntries(this.labels.map((label, i) => [label, values[i]]));
      count = { values, labels: labels as Record<Label, string>, count: 1, counted: 0 };
      this.counts.set(key, count);
    }
    this.last = count;
  }

  /** What `counter` has not been given yet. */
  handTo(counter: Counter<Label>): void {
    for (const count of this.counts.values()) {
      if (count.count > count.counted) {
        counter.inc(count.labels, count.count - count.counted);
        count.counted = count.count;
      }
    }
  }
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] !== b[i]) {
      return false;
    }
  }
  return a.length === b.length;
}

interface Count<Label extends string> {
  readonly values: readonly string[];
  readonly labels: Record<Label, string>;
  count: number;
  counted: number;
}

/**
 * A histogram of one series (no labels), counted in plain numbers and read by the registry as it
 * reads prom-client's own, through `get()`, in the same shape: cumulative `_bucket` values by
 * `le`, then `+Inf`, `_sum` and `_count`. prom-client's `observe` finds the bucket's count under
 * the bound's decimal text (`"0.0025"`), formatting the number twice on every request: about as
 * much as all the rest of the metrics.
 */
class Durations {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    this.counts = bounds.map(() => 0);
    registry.registerMetric(this as unknown as Histogram);
  }

  observe(seconds: number): void {
    const { bounds } = this;
    let bucket = 0;
    while (bucket < bounds.length && seconds > bounds[bucket]) {
      bucket += 1;
    }
    if (bucket < bounds.length) {
      this.counts[bucket] += 1;
    }
    this.sum += seconds;
    this.count += 1;
  }

  get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: { metricName: string; labels: { le?: number | string }; value: number }[];
  }> {
    let cumulative = 0;
    const bucket = `${this.name}_bucket`;
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [
        ...this.bounds.map((le, i) => ({
          metricName: bucket,
          labels: { le },
          value: (cumulative += this.counts[i]),
        })),
        { metricName: bucket, labels: { le: '+Inf' }, value: this.count },
        { metricName: `${this.name}_sum`, labels: {}, value: this.sum },
        { metricName: `${this.name}_count`, labels: {}, value: this.count },
      ],
    });
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}
