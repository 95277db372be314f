// A child process of the bench: COUNT webhook receivers on loopback, each its own HTTP server,
// answering 204 at once, and a control server on PORT that reports what they received.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Tally {
  url: string;
  /** Sequences received since the last reset, in order of arrival. */
  sequences: number[];
  /** Milliseconds from the event's recordedAt to its arrival here, since the last reset. */
  lags: number[];
}

const count = Number(process.env.COUNT ?? 20);
const tallies: Tally[] = [];

for (let i = 0; i < count; i += 1) {
  const tally: Tally = { url: '', sequences: [], lags: [] };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const arrived = Date.now();
      const { data } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        data: { sequence: number; recordedAt: string };
      };
      tally.sequences.push(data.sequence);
      tally.lags.push(arrived - Date.parse(data.recordedAt));
      response.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tally.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  tallies.push(tally);
}

createServer((request, response) => {
  if (request.url === '/reset') {
    for (const tally of tallies) {
      tally.sequences = [];
      tally.lags = [];
    }
  }
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify(
      request.url === '/urls'
        ? tallies.map((tally) => tally.url)
        : tallies.map(({ sequences, lags }) => ({ sequences, lags })),
    ),
  );
}).listen(Number(process.env.PORT), '127.0.0.1');
