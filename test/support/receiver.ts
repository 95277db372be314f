import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request a receiver got. */
export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The body as JSON. */
  readonly json: any;
}

/** What the receiver does with a request: answer it (the default: 204), or misbehave. */
export type Behaviour = (response: ServerResponse, request: Received) => void;

/**
 * A webhook receiver on loopback, a real HTTP server: it records every request it gets, and
 * answers as `behaviour` says (a spec changes it to fail, hang, redirect, ...).
 */
export class Receiver {
  readonly received: Received[] = [];
  behaviour: Behaviour = (response) => response.writeHead(204).end();
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    const server = createServer();
    const receiver = new Receiver(server);
    server.on('connection', (socket) => {
      receiver.sockets.add(socket);
      socket.on('close', () => receiver.sockets.delete(socket));
    });
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown = null;
        try {
          json = JSON.parse(body);
        } catch {
          // recorded as it came
        }
        const received = { headers: request.headers, body, json };
        receiver.received.push(received);
        receiver.behaviour(response, received);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** The sequences of the events received, in order of arrival. */
  sequences(): number[] {
    return this.received.map((request) => request.json?.data?.sequence as number);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
