// The sender thread's entry (see sender-thread.ts): it signs and POSTs the messages the
// dispatcher hands it, each job's in order, stopping at the first that fails.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { WebhookSender } from './sender.js';
import type { JobResult, Pace, SendJob, Stop } from './sender-thread.js';
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

/** Milliseconds between two sends, over all jobs; 0: as fast as they go. */
let interval = 0;
/** Set by a Stop: no send begins any more. */
let stopping = false;
let nextSendAt = 0;

/** Waits for this send's turn under the pace the main thread set (see sender-thread.ts). */
async function turn(): Promise<void> {
  if (interval === 0) {
    return;
  }
  const now = Date.now();
  const at = Math.max(now, nextSendAt);
  nextSendAt = at + interval;
  if (at > now) {
    await new Promise((resolve) => setTimeout(resolve, at - now));
  }
}

parentPort!.on('message', (job: SendJob | Pace | Stop) => {
  if ('stop' in job) {
    stopping = true;
    return;
  }
  if ('perSecond' in job) {
    interval = job.perSecond ? 1000 / job.perSecond : 0;
    return;
  }
  void (async () => {
    const results: JobResult['results'] = [];
    for (const message of job.messages) {
      if (!stopping) {
        await turn();
      }
      if (stopping) {
        break; // the rest is sent again by the next instance, after what was sent here
      }
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
