// Baseline `bare-ws`: a graphql-ws server on Ratify's schema whose agreementStageChanged yields,
// from an in-process pub/sub, the same event payload Ratify sends. POST /publish publishes it
// (the stage change); GET /health counts the subscriptions. What pushing costs without Nest,
// Apollo, the database or the replay logic. Env: PORT, FIXTURE_FILE (one event, as Ratify sends).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

const payload = JSON.parse(readFileSync(process.env.FIXTURE_FILE!, 'utf8')) as Record<
  string,
  unknown
>;
const schema = buildSchema(readFileSync('schema.gql', 'utf8'));

/** The in-process pub/sub: one queue per subscriber. */
const subscribers = new Set<(event: unknown) => void>();

function subscription(): AsyncIterableIterator<unknown> {
  const queue: unknown[] = [];
  let wake: (() => void) | null = null;
  let done = false;
  const push = (event: unknown) => {
    queue.push(event);
    wake?.();
  };
  subscribers.add(push);
  const finish = () => {
    done = true;
    subscribers.delete(push);
    wake?.();
    return Promise.resolve({ done: true as const, value: undefined });
  };
  return {
    async next() {
      while (queue.length === 0 && !done) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
      return done ? { done: true, value: undefined } : { done: false, value: queue.shift() };
    },
    return: finish,
    throw: finish,
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

const field = schema.getSubscriptionType()!.getFields().agreementStageChanged;
field.subscribe = () => subscription();
field.resolve = (event: unknown) => event;

let sequence = Number(payload.sequence ?? 0);
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    if (request.url === '/publish') {
      sequence += 1;
      for (const push of subscribers) push({ ...payload, sequence });
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ subscriptions: subscribers.size }));
  });
});
useServer({ schema }, new WebSocketServer({ server, path: '/graphql', perMessageDeflate: false }));
server.listen(Number(process.env.PORT), '127.0.0.1');
