import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { MAX_RESPONSE_BYTES, WebhookSender } from './sender.js';

/** A loopback server answering as `handler` says; counts the requests it got. */
async function serve(
  handler: Parameters<typeof createServer>[1],
): Promise<{ server: Server; port: number; requests: () => number }> {
  let requests = 0;
  const server = createServer((request, response) => {
    requests += 1;
    handler!(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, requests: () => requests };
}

describe('the webhook sender, against real loopback servers', () => {
  const servers: Server[] = [];
  const senders: WebhookSender[] = [];
  afterEach(async () => {
    senders.splice(0).forEach((sender) => sender.close());
    await Promise.all(
      servers.splice(0).map(
        (server) =>
          new Promise((resolve) => {
            server.closeAllConnections();
            server.close(resolve);
          }),
      ),
    );
  });
  const sender = (allowPrivate: boolean, timeoutMs = 1000) => {
    const made = new WebhookSender({ allowPrivate, timeoutMs });
    senders.push(made);
    return made;
  };

  it('refuses a loopback receiver at the connection, by address or by name, when private ones are not allowed', async () => {
    const { server, port, requests } = await serve((_, response) => response.end());
    servers.push(server);
    const strict = sender(false);
    for (const host of ['127.0.0.1', 'localhost']) {
      const result = await strict.send(new URL(`http://${host}:${port}/`), {}, '{}');
      expect(result).toMatchObject({ ok: false, statusCode: null });
      expect(result.error).toContain('a loopback address: webhooks reach only public addresses');
    }
    expect(requests()).toBe(0);
    expect(await sender(true).send(new URL(`http://localhost:${port}/`), {}, '{}')).toMatchObject({
      ok: true,
      statusCode: 200,
    });
  });

  it('sends the body and headers as given, and reuses the connection', async () => {
    const seen: { body: string; headers: Record<string, unknown>; socket: unknown }[] = [];
    const { server, port } = await serve((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ body, headers: request.headers, socket: request.socket });
        response.writeHead(202).end();
      });
    });
    servers.push(server);
    const open = sender(true);
    for (let i = 0; i < 3; i += 1) {
      expect(
        await open.send(
          new URL(`http://127.0.0.1:${port}/x`),
          { 'webhook-id': `m${i}` },
          `{"n":${i}}`,
        ),
      ).toMatchObject({ ok: true, statusCode: 202, error: null });
    }
    expect(seen.map((request) => [request.body, request.headers['webhook-id']])).toEqual([
      ['{"n":0}', 'm0'],
      ['{"n":1}', 'm1'],
      ['{"n":2}', 'm2'],
    ]);
    expect(seen[0].headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Ratify-Webhooks/1',
    });
    expect(new Set(seen.map((request) => request.socket)).size).toBe(1);
  });

  it('tries a kept connection the receiver closed once more on a new one', async () => {
    const { server, port, requests } = await serve((request, response) => {
      response.writeHead(200).end();
    });
    servers.push(server);
    const open = sender(true);
    const url = new URL(`http://127.0.0.1:${port}/`);
    expect((await open.send(url, {}, '{}')).ok).toBe(true);
    server.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await open.send(url, {}, '{}')).ok).toBe(true);
    expect(requests()).toBe(2);
  });

  it('reads at most 64 KiB of an answer, and gives up on one that never ends within the deadline', async () => {
    let written = 0;
    const { server, port } = await serve((_, response) => {
      response.writeHead(200);
      const chunk = Buffer.alloc(16 * 1024, 'x');
      const pump = () => {
        while (written < 50 * 1024 * 1024 && response.write(chunk)) written += chunk.length;
        if (written < 50 * 1024 * 1024) response.once('drain', pump);
        else response.end();
      };
      pump();
    });
    servers.push(server);
    const result = await sender(true, 5000).send(new URL(`http://127.0.0.1:${port}/`), {}, '{}');
    expect(result).toMatchObject({ ok: true, statusCode: 200 });
    expect(written).toBeLessThan(50 * 1024 * 1024);
    expect(MAX_RESPONSE_BYTES).toBe(65536);

    const { server: slow, port: slowPort } = await serve((_, response) => {
      response.writeHead(200);
      response.write('a'); // then nothing
    });
    servers.push(slow);
    const timedOut = await sender(true, 300).send(
      new URL(`http://127.0.0.1:${slowPort}/`),
      {},
      '{}',
    );
    expect(timedOut).toMatchObject({ ok: false, error: 'no answer within 300 ms' });
    expect(timedOut.durationMs).toBeGreaterThanOrEqual(280);
    expect(timedOut.durationMs).toBeLessThan(2000);
  });

  it('says why in words: refused, not found', async () => {
    const { server, port } = await serve((_, response) => response.end());
    await new Promise((resolve) => server.close(resolve));
    expect(await sender(true).send(new URL(`http://127.0.0.1:${port}/`), {}, '{}')).toMatchObject({
      ok: false,
      statusCode: null,
      error: 'connection refused',
    });
    const missing = await sender(true).send(new URL('http://no-such-host.invalid/'), {}, '{}');
    expect(missing.error).toMatch(/^host not found|host lookup failed/);
  });
});
