import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { GraphQLWebSocketServer } from '../common/graphql-ws-server.js';
import { Database } from '../database/database.service.js';
import { EVENT_BUS, type EventBus } from '../events/event-bus.js';
import { Metrics } from './metrics.js';

/**
 * The gauges read when Prometheus scrapes (README, "Operating Ratify"), and the publish lag seen
 * by a listener of the event bus. Each database read is one indexed or aggregate statement.
 */
@Injectable()
export class MetricsCollectors implements OnApplicationBootstrap, OnApplicationShutdown {
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly metrics: Metrics,
    private readonly db: Database,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly sockets: GraphQLWebSocketServer,
  ) {}

  onApplicationBootstrap(): void {
    const { metrics, db } = this;
    if (!metrics.config.metrics) {
      return;
    }
    const count = async (sql: string, params: unknown[] = []) => {
      const [row] = await db.select<{ value: number | string | null }>(sql, params);
      return Number(row?.value ?? 0);
    };
    metrics.gauge(
      'ratify_websocket_connections',
      'Open WebSocket connections to this instance.',
      () => this.sockets.connectionCount(),
    );
    metrics.gauge(
      'ratify_subscriptions',
      'Open GraphQL subscriptions of clients of this instance.',
      () => this.bus.subscriberCount(),
    );
    metrics.gauge('ratify_event_log_head', 'The sequence of the last event in the log.', () =>
      count('SELECT "lastSequence" AS "value" FROM "event_counter" WHERE "id" = 1'),
    );
    metrics.gauge(
      'ratify_scheduled_moves_due',
      'Moves of the treaties’ clauses whose date has come and that are not made yet: above 0 for long, the scheduler is stuck.',
      () => count('SELECT COUNT(*) AS "value" FROM "scheduled_move" WHERE "at" <= ?', [new Date()]),
    );
    metrics.gauge(
      'ratify_webhook_backlog',
      'Events in the log that enabled webhooks have not yet been sent past (log head minus each webhook’s position, summed); an upper bound, since a filter skips some.',
      () =>
        count(
          `SELECT COALESCE(SUM(c."lastSequence" - w."position"), 0) AS "value"
           FROM "webhook" w, "event_counter" c WHERE w."enabled" = ? AND c."id" = 1`,
          [true],
        ),
    );
    metrics.gauge(
      'ratify_webhooks_disabled',
      'Webhooks disabled, by hand or after failing for 3 days.',
      () => count('SELECT COUNT(*) AS "value" FROM "webhook" WHERE "enabled" = ?', [false]),
    );
    this.unsubscribe = this.bus.subscribe({
      next: (event) =>
        metrics.publishLag.observe(Math.max(0, Date.now() - event.recordedAt.getTime()) / 1000),
      internal: true,
    });
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
  }
}
