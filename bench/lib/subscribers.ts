import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { sleep } from './processes.js';

/**
 * Many graphql-ws clients on one subscription, opened at a paced rate, each noting when every
 * message arrives: the latency of a change is its arrival minus the moment it was sent.
 */
export class Subscribers {
  /** arrivals[i][k]: when client i received its k-th message (performance.now()). */
  readonly arrivals: number[][] = [];
  /** sequences[i][k]: the `sequence` field of that message's payload, where it has one. */
  readonly sequences: number[][] = [];
  private readonly clients: Client[] = [];
  private readonly disposers: (() => void)[] = [];
  failures = 0;

  async open(
    url: string,
    query: string,
    variables: Record<string, unknown>,
    count: number,
    perSecond: number,
  ) {
    const batch = Math.max(1, Math.round(perSecond / 20));
    for (let i = 0; i < count; i += 1) {
      const arrivals: number[] = [];
      this.arrivals.push(arrivals);
      const sequences: number[] = [];
      this.sequences.push(sequences);
      const client = createClient({
        url,
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        onNonLazyError: () => (this.failures += 1),
      });
      this.clients.push(client);
      this.disposers.push(
        client.subscribe(
          { query, variables },
          {
            next: (message) => {
              arrivals.push(performance.now());
              const payload = Object.values(message.data ?? {})[0] as { sequence?: unknown };
              if (typeof payload?.sequence === 'number') sequences.push(payload.sequence);
            },
            error: () => (this.failures += 1),
            complete: () => undefined,
          },
        ),
      );
      if ((i + 1) % batch === 0) await sleep(50);
    }
  }

  /** How many messages have arrived in all. */
  delivered(): number {
    return this.arrivals.reduce((sum, arrivals) => sum + arrivals.length, 0);
  }

  /** Waits until every client has `messages` messages, or the timeout passes. */
  async waitFor(messages: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.arrivals.some((arrivals) => arrivals.length < messages) && Date.now() < deadline) {
      await sleep(5);
    }
  }

  async close(): Promise<void> {
    for (const dispose of this.disposers) dispose();
    await Promise.all(
      this.clients.map(async (client) => {
        await client.dispose();
      }),
    );
  }
}
