import { Worker } from 'node:worker_threads';
import type { AttemptResult } from './sender.js';

/** Messages to one webhook, to send in order. */
export interface SendJob {
  readonly job: number;
  readonly url: string;
  /** Each signs (two during a secret's rotation). */
  readonly secrets: readonly string[];
  readonly messages: readonly { sequence: number; id: string; body: string }[];
}

/** How fast the thread may send, over all webhooks: null, as fast as it goes. */
export interface Pace {
  readonly perSecond: number | null;
}

/** Asks the thread to begin no further send: each job ends with the results it has. */
export interface Stop {
  readonly stop: true;
}

/** What became of a job's messages: one result each, up to and with the first that failed. */
export interface JobResult {
  readonly job: number;
  /** `sentAt`: when the attempt began, in milliseconds since the epoch. */
  readonly results: (AttemptResult & { sequence: number; sentAt: number })[];
}

/**
 * Run from the TypeScript sources (the specs), the thread runs the compiled worker, which the
 * specs' global setup builds; run from the build, the one beside this file.
 */
const WORKER = new URL(
  import.meta.url.endsWith('.ts') ? '../../dist/webhooks/sender-worker.js' : './sender-worker.js',
  import.meta.url,
);

/**
 * The thread that sends webhook messages (sender-worker.ts): the HTTP requests, TLS and HMAC of
 * every delivery are done off the main thread, which serves the API. Started on the first job;
 * one that dies fails the jobs under way (the dispatcher tries them again) and is started anew.
 */
export class SenderThread {
  private worker: Worker | null = null;
  private next = 1;
  private pace: Pace = { perSecond: null };
  private readonly pending = new Map<
    number,
    { resolve: (results: JobResult['results']) => void; reject: (error: Error) => void }
  >();

  constructor(private readonly options: { allowPrivate: boolean; timeoutMs: number }) {}

  send(
    url: string,
    secrets: readonly string[],
    messages: SendJob['messages'],
  ): Promise<JobResult['results']> {
    const worker = (this.worker ??= this.start());
    const job = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(job, { resolve, reject });
      worker.postMessage({ job, url, secrets, messages } satisfies SendJob);
    });
  }

  /** Sets how many messages a second the thread may send (null: no limit), from now on. */
  setPace(perSecond: number | null): void {
    this.pace = { perSecond };
    this.worker?.postMessage(this.pace);
  }

  /**
   * Lets the sends under way end, and no other begin: every job then ends with the results of
   * the messages it sent (the dispatcher records them, so that none is sent again). After
   * `graceMs`, whatever is still under way is cut off, as `close` does.
   */
  async stop(graceMs: number): Promise<void> {
    this.worker?.postMessage({ stop: true } satisfies Stop);
    const deadline = Date.now() + graceMs;
    while (this.pending.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await this.close();
  }

  /** Stops the thread; the sends under way are cut off and their jobs fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
    this.failAll(new Error('the sender thread was stopped'));
  }

  private start(): Worker {
    const worker = new Worker(WORKER, { workerData: this.options });
    worker.unref();
    worker.postMessage(this.pace);
    worker.on('message', ({ job, results }: JobResult) => {
      const pending = this.pending.get(job);
      this.pending.delete(job);
      pending?.resolve(results);
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', () => {
      if (this.worker === worker) {
        this.worker = null;
      }
      this.failAll(new Error('the sender thread stopped'));
    });
    return worker;
  }

  private failAll(error: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    pending.forEach(({ reject }) => reject(error));
  }
}
