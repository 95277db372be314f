/**
 * The page's one graphql-ws connection: `agreementEvents(after:)` from the log position the page
 * was read at, so that nothing committed since is missed; after a drop it subscribes again from
 * the last event it received, so that nothing is missed and nothing comes twice (README, "The
 * web app"). It reconnects by itself, with backoff, and says at each moment where it stands.
 */
import { createClient, type Client } from 'graphql-ws';
import { GRAPHQL_PATH } from './api.js';
import type { LoggedEvent } from './format.js';
import { token } from './session.js';
import { LIVE_EVENTS } from './operations.js';

export type LiveState =
  /** Nothing to watch (a page with no agreement). */
  | { kind: 'idle' }
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'reconnecting'; attempt: number }
  | { kind: 'offline'; reason: string };

/** Attempts before the page says it is offline and offers a reload. */
export const MAX_ATTEMPTS = 8;

/** WebSocket close codes after which trying again cannot help. */
const FINAL_CLOSES: Record<number, string> = {
  4403: 'The server refused the token of this tab.',
  4429: 'The server is refusing this address for now (too many attempts).',
};

export interface LiveOptions {
  /** Only this agreement's events; null: every event. */
  agreementId: string | null;
  /** The cursor of the last event the page has read; null: from now on. */
  after: string | null;
  onEvent(event: LoggedEvent): void;
  onState(state: LiveState): void;
}

export class LiveEvents {
  private client?: Client;
  private attempt = 0;
  private after: string | null;
  private lastSequence = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private closed = false;
  /** Subscribed, or to subscribe on each (re)connection. */
  private wanted = false;
  /** The connection is acknowledged. */
  private connected = false;

  constructor(private readonly options: LiveOptions) {
    this.after = options.after;
  }

  /**
   * Opens the connection without subscribing yet, so that the handshake is done by the time the
   * page knows what to watch (an agreement's page first learns that the agreement exists).
   */
  warm(): void {
    if (!this.client && !this.closed) {
      this.connect();
    }
  }

  /** Subscribes (on the warm connection, if there is one) and stays live until closed. */
  start(): void {
    this.wanted = true;
    if (!this.client) {
      this.connect();
    } else {
      this.subscribe(this.client);
    }
  }

  /** Ends the subscription and the connection, for good. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    void this.client?.dispose();
  }

  private connect(): void {
    this.options.onState(
      this.attempt ? { kind: 'reconnecting', attempt: this.attempt } : { kind: 'connecting' },
    );
    const authorization = token();
    const client = createClient({
      url: new URL(GRAPHQL_PATH, location.href).href.replace(/^http/, 'ws'),
      lazy: false,
      // Ratify reconnects itself, from the last event received: graphql-ws would subscribe
      // again with the first `after`, and receive again what the page has shown.
      retryAttempts: 0,
      // Its default prints the close to the console; the subscription's sink handles it here.
      onNonLazyError: () => undefined,
      connectionParams: authorization ? { authorization: `Bearer ${authorization}` } : {},
      on: {
        connected: () => {
          this.connected = true;
          this.attempt = 0;
          if (this.wanted) {
            this.options.onState({ kind: 'live' });
          }
        },
      },
    });
    this.client = client;
    this.connected = false;
    if (this.wanted) {
      this.subscribe(client);
    }
  }

  private subscribe(client: Client): void {
    if (this.connected) {
      this.options.onState({ kind: 'live' });
    }
    client.subscribe<{ agreementEvents: LoggedEvent }>(
      {
        query: LIVE_EVENTS,
        variables: { after: this.after, agreementId: this.options.agreementId },
      },
      {
        next: ({ data, errors }) => {
          if (this.closed) {
            return;
          }
          if (errors?.length) {
            this.fail(errors[0].message);
            return;
          }
          const event = data?.agreementEvents;
          if (event && event.sequence > this.lastSequence) {
            this.lastSequence = event.sequence;
            this.after = event.cursor;
            this.options.onEvent(event);
          }
        },
        error: (error: unknown) => this.retry(error),
        complete: () => this.retry(null),
      },
    );
  }

  private retry(error: unknown): void {
    void this.client?.dispose();
    if (this.closed) {
      return;
    }
    // The server refused the subscription itself (GraphQL errors): asking again would not help.
    if (Array.isArray(error)) {
      const message = (error[0] as { message?: unknown } | undefined)?.message;
      this.fail(typeof message === 'string' ? message : 'The server refused the subscription.');
      return;
    }
    const code = (error as { code?: number } | null)?.code;
    if (code !== undefined && FINAL_CLOSES[code]) {
      this.fail(FINAL_CLOSES[code]);
      return;
    }
    this.attempt += 1;
    if (this.attempt > MAX_ATTEMPTS) {
      this.fail('The connection to the server was lost.');
      return;
    }
    this.options.onState({ kind: 'reconnecting', attempt: this.attempt });
    // 1 s, 2 s, 4 s … at most 30 s, each shortened at random so that pages left open across a
    // restart do not all come back in the same instant.
    const delay = Math.min(30_000, 1000 * 2 ** (this.attempt - 1)) * (0.5 + Math.random() / 2);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private fail(reason: string): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    void this.client?.dispose();
    this.options.onState({ kind: 'offline', reason });
  }
}
