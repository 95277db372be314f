import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { checkedLookup, hostOf, resolveAllowed } from './webhook-url.js';

/** What one attempt to deliver came to. */
export interface AttemptResult {
  readonly ok: boolean;
  /** The receiver's HTTP status; null when no answer came. */
  readonly statusCode: number | null;
  readonly durationMs: number;
  /** Why it failed, in words; null when it succeeded. */
  readonly error: string | null;
}

/** How much of an answer is read; the rest is dropped with the connection. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs webhook messages (README, "Webhooks"): keep-alive connections, each address checked as
 * it is connected to (webhook-url.ts), no redirect followed, one deadline for the whole attempt
 * (DNS, connection, answer), and at most MAX_RESPONSE_BYTES of the answer read. Never throws: a
 * failure is an AttemptResult saying why.
 */
export class WebhookSender {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 4, timeout: 4_000 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 4, timeout: 4_000 }),
  };
  private readonly lookup: ReturnType<typeof checkedLookup>;

  constructor(
    private readonly options: { readonly allowPrivate: boolean; readonly timeoutMs: number },
  ) {
    this.lookup = checkedLookup(options.allowPrivate);
  }

  async send(
    target: URL,
    headers: Readonly<Record<string, string>>,
    body: string,
  ): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const host = hostOf(target);
    if (isIP(host)) {
      // No lookup is made for an address: it is checked here instead.
      try {
        await resolveAllowed(host, this.options.allowPrivate);
      } catch (error) {
        return { ok: false, statusCode: null, durationMs: elapsed(), error: describe(error) };
      }
    }
    const deadline = Date.now() + this.options.timeoutMs;
    const result = await this.attempt(target, headers, body, deadline, true);
    return { ...result, durationMs: elapsed() };
  }

  /** Closes the kept connections. */
  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }

  private attempt(
    target: URL,
    headers: Readonly<Record<string, string>>,
    body: string,
    deadline: number,
    mayRetryStale: boolean,
  ): Promise<Omit<AttemptResult, 'durationMs'>> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (statusCode: number | null, error: string | null) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          resolve({ ok: error === null, statusCode, error });
        }
      };
      const protocol = target.protocol === 'https:' ? 'https:' : 'http:';
      const request = (protocol === 'https:' ? https : http).request(
        target,
        {
          method: 'POST',
          agent: this.agents[protocol],
          lookup: this.lookup,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'Ratify-Webhooks/1',
            ...headers,
          },
        },
        (response) => {
          const status = response.statusCode ?? 0;
          const outcome = statusError(status, response.headers.location);
          let received = 0;
          response.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received > MAX_RESPONSE_BYTES) {
              // Enough: the status is known, and the connection goes with the rest.
              response.destroy();
              finish(status, outcome);
            }
          });
          response.on('end', () => finish(status, outcome));
          response.on('error', () =>
            finish(status, outcome ?? 'the connection closed before the answer ended'),
          );
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (settled) {
          return;
        }
        // A kept connection the receiver closed while it was idle: tried once on a new one.
        if (mayRetryStale && request.reusedSocket && error.code === 'ECONNRESET') {
          settled = true;
          clearTimeout(timer);
          resolve(this.attempt(target, headers, body, deadline, false));
          return;
        }
        finish(null, describe(error));
      });
      const timeoutMs = Math.max(deadline - Date.now(), 0);
      const timer = setTimeout(() => {
        finish(null, `no answer within ${this.options.timeoutMs} ms`);
        request.destroy();
      }, timeoutMs);
      request.end(body);
    });
  }
}

/** The failure an HTTP status means, or null for 2xx. Redirects are not followed. */
function statusError(status: number, location: string | undefined): string | null {
  if (status >= 200 && status < 300) {
    return null;
  }
  if (status >= 300 && status < 400) {
    const to = location ? ` to ${location.slice(0, 200)}` : '';
    return `HTTP ${status}: redirect${to} not followed; give the webhook its final URL`;
  }
  return `HTTP ${status}`;
}

const ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the receiver closed the connection',
  EPIPE: 'the receiver closed the connection',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed for now (DNS)',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  CERT_HAS_EXPIRED: 'the receiver’s TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the receiver’s TLS certificate is self-signed',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the receiver’s TLS certificate is not for this host',
};

/** A connection error in words; the message of one Ratify made (a refused address) as it is. */
function describe(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'EADDRNOTALLOWED') {
    return message;
  }
  return (code && ERRORS[code]) ?? `${code ? `${code}: ` : ''}${message}`.slice(0, 300);
}
