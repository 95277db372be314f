// The sender thread's entry (see sender-thread.ts): it signs and POSTs the messages the
// dispatcher hands it, each job's in order, stopping at the first that fails.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { WebhookSender } from './sender.js';
import type { JobResult, SendJob } from './sender-thread.js';
import { signedHeaders } from './signing.js';

/**
 * Deliveries are background work: on Linux this thread runs at a lower priority (nice 19), so
 * that on a busy machine the writes and reads of the main thread go first, and deliveries take
 * the time left (a backlog they catch up on afterwards). Elsewhere it keeps the usual priority.
 */
function lowerPriority(): void {
  try {
    const thread = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isSafeInteger(thread)) {
      setPriority(thread, 19);
    }
  } catch {
    // not Linux, or not allowed: the usual priority
  }
}

const sender = new WebhookSender(workerData as ConstructorParameters<typeof WebhookSender>[0]);
lowerPriority();

parentPort!.on('message', (job: SendJob) => {
  void (async () => {
    const results: JobResult['results'] = [];
    for (const message of job.messages) {
      const sentAt = new Date();
      try {
        const headers = signedHeaders(job.secrets, message.id, sentAt, message.body);
        const result = await sender.send(new URL(job.url), headers, message.body);
        results.push({ ...result, sequence: message.sequence, sentAt: sentAt.getTime() });
        if (!result.ok) {
          break; // the later ones wait for this one, in order
        }
      } catch (error) {
        // Not the receiver's doing (the sender never throws): a failure all the same, said.
        results.push({
          ok: false,
          statusCode: null,
          durationMs: 0,
          error: `the message could not be sent: ${String(error)}`.slice(0, 300),
          sequence: message.sequence,
          sentAt: sentAt.getTime(),
        });
        break;
      }
    }
    parentPort!.postMessage({ job: job.job, results } satisfies JobResult);
  })();
});
