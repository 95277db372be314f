import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { buildOnce, ChildServer } from './support/child-server.js';
import { createTestDatabase, type TestDatabase } from './support/databases.js';
import { waitUntil } from './support/server.js';

/** The listening socket's queue as the kernel shows it: connections waiting, and the backlog. */
function listenQueue(port: number): { waiting: number; backlog: number } {
  const line = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' }).trim();
  const [, waiting, backlog] = line.split(/\s+/);
  if (backlog === undefined) throw new Error(`ss shows no socket listening on ${port}: ${line}`);
  return { waiting: Number(waiting), backlog: Number(backlog) };
}

/** Opens a connection and sends GET /health; resolves with the status line, or the error. */
function health(port: number): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  const answer = new Promise<string>((resolve) => {
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n')) {
        resolve(received.slice(0, received.indexOf('\r\n')));
        socket.destroy();
      }
    });
    socket.on('error', (error) => resolve(error.message));
    socket.on('close', () => resolve(received || 'closed without an answer'));
  });
  socket.write('GET /health HTTP/1.1\r\nhost: ratify\r\nconnection: close\r\n\r\n');
  return answer;
}

describe('LISTEN_BACKLOG', () => {
  let database: TestDatabase;
  let server: ChildServer | undefined;

  beforeAll(async () => {
    buildOnce();
    database = await createTestDatabase();
  }, 120000);
  afterAll(async () => {
    server?.process.kill('SIGCONT');
    await server?.kill();
    await database.drop();
  });

  const portOf = (started: ChildServer) => Number(new URL(started.url).port);

  it('is the listening socket backlog, 4096 by default', async () => {
    server = await ChildServer.start(database);
    expect(listenQueue(portOf(server)).backlog).toBe(4096);
    await server.stop();
    server = await ChildServer.start(database, { LISTEN_BACKLOG: '64' });
    expect(listenQueue(portOf(server)).backlog).toBe(64);
    await server.stop();
  }, 60000);

  // A reconnect storm: a thousand clients arrive while the server is busy (here: stopped). Node's
  // default backlog (511) holds 512 of them; the kernel drops or resets the rest.
  it('holds 1,000 connections arriving while the server cannot accept, and answers them all', async () => {
    server = await ChildServer.start(database);
    const port = portOf(server);
    server.process.kill('SIGSTOP');
    const answers: Promise<string>[] = [];
    try {
      for (let i = 0; i < 1000; i += 1) answers.push(health(port));
      // With Node's default the queue stops at 512 and this waits in vain.
      await waitUntil(() => listenQueue(port).waiting >= 1000, 10000).catch(() => undefined);
      expect(listenQueue(port).waiting).toBe(1000);
    } finally {
      server.process.kill('SIGCONT');
    }
    const lines = await Promise.all(answers);
    expect(lines.filter((line) => line !== 'HTTP/1.1 200 OK')).toEqual([]);
    await server.stop();
  }, 60000);
});
