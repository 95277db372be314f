import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { loadConfig } from '../config/config.js';
import { Metrics } from './metrics.js';

const QUERY_DURATIONS = 'ratify_graphql_query_duration_seconds';
const metrics = new Metrics(loadConfig({}));

afterAll(() => metrics.registry.clear());

describe('the operations’ duration histograms', () => {
  it('read as prom-client’s own histogram would, with the same bounds, after any durations', async () => {
    const bounds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
    const ours = await metrics.registry.getSingleMetric(QUERY_DURATIONS)!.get();
    expect(ours.help).toBeTruthy();
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.constantFrom(...bounds), // on a bound: counted in its bucket (`le`)
            fc.double({ min: 0, max: 10, noNaN: true }),
          ),
          { maxLength: 50 },
        ),
        async (durations) => {
          metrics.registry.resetMetrics();
          const registry = new Registry();
          const theirs = new Histogram({
            name: QUERY_DURATIONS,
            help: ours.help,
            buckets: bounds,
            registers: [registry],
          });
          for (const seconds of durations) {
            metrics.operation('Status', 'query', 'http', 'OK', seconds);
            theirs.observe(seconds);
          }
          expect(await metrics.registry.getSingleMetricAsString(QUERY_DURATIONS)).toBe(
            await registry.getSingleMetricAsString(QUERY_DURATIONS),
          );
        },
      ),
    );
  });
});

describe('the operations counter', () => {
  it('counts an operation name that is not a GraphQL name as other, whatever it holds', async () => {
    metrics.registry.resetMetrics();
    // A WebSocket's refused operation is counted under the name its client sent.
    metrics.operation('Watch\0query\0http', 'unknown', 'websocket', 'GRAPHQL_VALIDATION_FAILED');
    metrics.operation('Watch', 'subscription', 'websocket', 'OK');
    const text = await metrics.registry.getSingleMetricAsString('ratify_graphql_operations_total');
    expect(text).toContain(
      'ratify_graphql_operations_total{operation="other",type="unknown",transport="websocket",outcome="GRAPHQL_VALIDATION_FAILED"} 1',
    );
    expect(text).toContain(
      'ratify_graphql_operations_total{operation="Watch",type="subscription",transport="websocket",outcome="OK"} 1',
    );
  });
});

describe('the counts of operations', () => {
  it('add up to what was answered, however the operations follow one another', async () => {
    const operations = fc.record({
      name: fc.constantFrom('Status', 'List', undefined),
      type: fc.constantFrom('query' as const, 'mutation' as const),
      outcome: fc.constantFrom('OK', 'NOT_FOUND'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(operations, { minLength: 1, maxLength: 3 })
          .chain((kinds) => fc.array(fc.constantFrom(...kinds), { maxLength: 30 })),
        async (answered) => {
          metrics.registry.resetMetrics(); // what was counted before is not counted again
          for (const { name, type, outcome } of answered) {
            metrics.operation(name, type, 'http', outcome);
          }
          const counted = (
            await metrics.registry.getSingleMetric('ratify_graphql_operations_total')!.get()
          ).values;
          const expected = new Map<string, number>();
          for (const { name, type, outcome } of answered) {
            const key = `${name ?? 'anonymous'} ${type} http ${outcome}`;
            expected.set(key, (expected.get(key) ?? 0) + 1);
          }
          expect(
            new Map(
              counted.map(({ labels, value }) => [
                `${labels.operation} ${labels.type} ${labels.transport} ${labels.outcome}`,
                value,
              ]),
            ),
          ).toEqual(expected);
        },
      ),
    );
  });
});
