import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SenderThread } from './sender-thread.js';

describe('the sender thread', () => {
  let server: Server;
  let url: string;
  const received: string[] = [];
  const thread = new SenderThread({ allowPrivate: true, timeoutMs: 2000 });

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push(body);
        response.writeHead(body.includes('"fail"') ? 500 : 204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });
  afterAll(async () => {
    await thread.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const messages = (bodies: string[]) =>
    bodies.map((body, index) => ({ sequence: index + 1, id: `msg_${index + 1}`, body }));

  it('sends a job in order, signed, and stops at the first failure', async () => {
    received.length = 0;
    const results = await thread.send(
      url,
      ['whsec_' + Buffer.alloc(32, 7).toString('base64')],
      messages(['{"n":1}', '{"n":2}', '{"fail":3}', '{"n":4}']),
    );
    expect(results.map((result) => [result.sequence, result.ok, result.statusCode])).toEqual([
      [1, true, 204],
      [2, true, 204],
      [3, false, 500],
    ]);
    expect(received).toEqual(['{"n":1}', '{"n":2}', '{"fail":3}']);
    expect(results[0].sentAt).toBeLessThanOrEqual(Date.now());
  });

  it('keeps to the pace it is given, over all jobs', async () => {
    thread.setPace(20); // one every 50 ms
    const started = Date.now();
    await Promise.all([
      thread.send(url, ['whsec_' + Buffer.alloc(32, 1).toString('base64')], messages(['{}', '{}'])),
      thread.send(url, ['whsec_' + Buffer.alloc(32, 2).toString('base64')], messages(['{}', '{}'])),
      thread.send(url, ['whsec_' + Buffer.alloc(32, 3).toString('base64')], messages(['{}'])),
    ]);
    // Five sends, four intervals of 50 ms at least between the first and the last.
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    thread.setPace(null);
    const unpaced = await thread.send(
      url,
      ['whsec_' + Buffer.alloc(32, 4).toString('base64')],
      messages(Array<string>(5).fill('{}')),
    );
    expect(unpaced.every((result) => result.ok)).toBe(true);
  });

  it('on stop, ends each job after the message under way, with the results of those sent', async () => {
    server.removeAllListeners('request');
    received.length = 0;
    server.on('request', (request, response) => {
      request.resume();
      request.on('end', () => {
        received.push('sent');
        setTimeout(() => response.writeHead(204).end(), 60);
      });
    });
    const job = thread.send(
      url,
      ['whsec_' + Buffer.alloc(32, 6).toString('base64')],
      messages(Array<string>(20).fill('{}')),
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    await thread.stop(2000);
    const results = await job;
    // Every message that reached the receiver is in the results, and no other was sent.
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThan(20);
    expect(results.every((result) => result.ok)).toBe(true);
    expect(received.length).toBe(results.length);
  });

  it('fails the jobs under way when it is stopped', async () => {
    server.removeAllListeners('request');
    server.on('request', () => undefined); // never answers
    const pending = thread.send(
      url,
      ['whsec_' + Buffer.alloc(32, 5).toString('base64')],
      messages(['{}']),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    await thread.close();
    await expect(pending).rejects.toThrow(/the sender thread (was )?stopped/);
  });
});
