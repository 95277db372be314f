import {
  createSourceEventStream,
  execute,
  getOperationAST,
  print,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import { operationKey } from './operation-key.js';

type Result = ExecutionResult | Promise<ExecutionResult>;

/** Per event object, the results computed for it so far, by operation. */
const resultsByEvent = new WeakMap<object, Map<string, Result>>();

/**
 * GraphQL's `subscribe`, with one difference: an event delivered to many subscribers that sent
 * the same operation with the same variables is executed once, and every one of them gets that
 * result. A stage change watched by thousands is then one execution, not thousands.
 *
 * Sound because nothing a subscription selects depends on who asks (reads are the same for
 * every caller; access is decided when the socket opens) and an event never changes once
 * committed. Events that are not one shared object (replayed from the log for one subscriber),
 * and operations whose variables cannot be made a key, are executed for each subscriber alone.
 */
export async function subscribeSharingResults(
  args: ExecutionArgs,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) {
    return source;
  }
  const key = sharingKey(args);
  return mapAsyncIterator(source, (event: unknown) => {
    const run = () => execute({ ...args, rootValue: event });
    if (key === null || typeof event !== 'object' || event === null) {
      return run();
    }
    let results = resultsByEvent.get(event);
    if (!results) {
      results = new Map();
      resultsByEvent.set(event, results);
    }
    let result = results.get(key);
    if (!result) {
      result = run();
      results.set(key, result);
    }
    return result;
  });
}

/** The key of the operation as sent (its source text when parsed with locations), or null. */
function sharingKey(args: ExecutionArgs): string | null {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation) {
    return null;
  }
  const text = args.document.loc?.source.body ?? print(args.document);
  return operationKey(text, operation, args.operationName, args.variableValues);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown>)?.[Symbol.asyncIterator] === 'function';
}

/**
 * `source` with each value mapped. Unlike an async generator, `return()` reaches the source at
 * once, even while a `next()` is waiting for an event: a subscriber who leaves is let go of now,
 * not at the next event.
 */
function mapAsyncIterator<T, U>(
  iterable: AsyncIterable<T>,
  map: (value: T) => U | Promise<U>,
): AsyncIterableIterator<U> {
  const source = iterable[Symbol.asyncIterator]();
  const close = async () => {
    await source.return?.();
  };
  const mapped = async (result: IteratorResult<T>): Promise<IteratorResult<U>> => {
    if (result.done) {
      return { value: undefined, done: true };
    }
    try {
      return { value: await map(result.value), done: false };
    } catch (error) {
      await close();
      throw error;
    }
  };
  const iterator: AsyncIterableIterator<U> = {
    next: async () => mapped(await source.next()),
    return: async () => {
      await close();
      return { value: undefined, done: true };
    },
    throw: async (error: unknown) => {
      if (source.throw) {
        return mapped(await source.throw(error));
      }
      await close();
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
