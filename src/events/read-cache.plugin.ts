import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { Inject } from '@nestjs/common';
import {
  Kind,
  OperationTypeNode,
  type FormattedExecutionResult,
  type OperationDefinitionNode,
} from 'graphql';
import { operationKey } from '../common/operation-key.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Metrics } from '../metrics/metrics.js';
import { EventLog } from './event-log.service.js';

/** Root fields whose answers change only when an event is appended to the log. */
const CACHEABLE_FIELDS = new Set(['agreement', 'agreements', 'events', 'workflow']);
/** Answers larger than this are not kept; all kept answers together stay under MAX_BYTES. */
const MAX_ANSWER_BYTES = 256 * 1024;
const MAX_BYTES = 32 * 1024 * 1024;

interface Entry {
  /** The head of the log when the answer was computed. */
  head: number;
  result: FormattedExecutionResult;
  bytes: number;
}

function cacheable(operation: OperationDefinitionNode): boolean {
  return (
    operation.operation === OperationTypeNode.QUERY &&
    operation.selectionSet.selections.every(
      (selection) =>
        selection.kind === Kind.FIELD &&
        (CACHEABLE_FIELDS.has(selection.name.value) || selection.name.value === '__typename'),
    )
  );
}

/**
 * Answers a read again without running it while the log has not moved.
 *
 * Everything the read queries show changes only through a write, and every write appends to the
 * log in the same transaction: an answer computed when the log's head was H is still the answer
 * while the head is H. Each request reads the head (one indexed row) before using a kept answer,
 * so it holds across instances too, whatever Redis does. An answer is computed after the head
 * it is filed under was read, so it is never older than that head. READ_CACHE_ENTRIES bounds how
 * many are kept (least recently used go first); 0 turns it off.
 */
@Plugin()
export class ReadCachePlugin implements ApolloServerPlugin {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly capacity: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly log: EventLog,
    private readonly metrics: Metrics,
  ) {
    this.capacity = config.readCacheEntries;
  }

  requestDidStart(): Promise<GraphQLRequestListener<object> | void> {
    if (this.capacity === 0) {
      return Promise.resolve();
    }
    let pending: { key: string; head: number } | null = null;
    return Promise.resolve({
      responseForOperation: async ({ operation, source, request }) => {
        if (!cacheable(operation)) {
          return null;
        }
        // The source, not `request.query`: a persisted query's request carries only its hash.
        const key = operationKey(source, operation, request.operationName, request.variables);
        if (key === null) {
          return null;
        }
        const head = await this.log.head();
        const hit = this.entries.get(key);
        const fresh = hit?.head === head;
        this.metrics.cacheRead(fresh);
        if (hit && fresh) {
          this.entries.delete(key); // to the back: most recently used
          this.entries.set(key, hit);
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: { kind: 'single', singleResult: hit.result },
          };
        }
        pending = { key, head };
        return null;
      },
      willSendResponse: ({ response }) => {
        if (pending && response.body.kind === 'single' && !response.body.singleResult.errors) {
          this.keep(pending.key, pending.head, response.body.singleResult);
        }
        return Promise.resolve();
      },
    });
  }

  private keep(key: string, head: number, result: FormattedExecutionResult): void {
    const bytes = JSON.stringify(result).length;
    if (bytes > MAX_ANSWER_BYTES) {
      return;
    }
    this.forget(key);
    this.entries.set(key, { head, result, bytes });
    this.bytes += bytes;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity && this.bytes <= MAX_BYTES) {
        break;
      }
      this.forget(oldest);
    }
  }

  private forget(key: string): void {
    const entry = this.entries.get(key);
    if (entry) {
      this.bytes -= entry.bytes;
      this.entries.delete(key);
    }
  }
}
