import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgreementFactory } from './factories/agreement.factory.js';
import { freePort } from '../bench/lib/processes.js';
import { buildOnce, ChildServer } from './support/child-server.js';
import {
  createTestDatabase,
  dialect,
  SKIPPED_BECAUSE,
  type TestDatabase,
} from './support/databases.js';
import { ADMIN_TOKEN, Subscriber, waitUntil } from './support/server.js';

/**
 * README, "Two instances behind a proxy": its nginx configuration, taken from the README as
 * written, in front of two instances on one PostgreSQL database and one Redis. Runs in the
 * `postgres` jest project with REDIS_URL, where nginx is installed (`.ci/run` installs it and
 * sets NGINX_TESTS=required).
 */
const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const hasNginx = existsSync(NGINX);
if (!hasNginx && process.env.NGINX_TESTS === 'required') {
  throw new Error(`NGINX_TESTS=required, and there is no nginx at ${NGINX}`);
}
const enabled = dialect === 'postgres' && Boolean(process.env.REDIS_URL) && hasNginx;
const skippedBecause = hasNginx
  ? SKIPPED_BECAUSE
  : `(there is no nginx at ${NGINX}: apt-get install -y --no-install-recommends nginx, or NGINX_PATH)`;

/** The README's configuration, with its two upstream servers and its port put to `ports`. */
function readmeConfig(upstreams: [number, number], listen: number): string {
  const block = /```nginx\n([\s\S]*?)```/.exec(readFileSync('README.md', 'utf8'));
  if (!block) throw new Error('README.md has no nginx block');
  const config = block[1]
    .replace('server ratify-1:3000', `server 127.0.0.1:${upstreams[0]}`)
    .replace('server ratify-2:3000', `server 127.0.0.1:${upstreams[1]}`)
    .replace('listen 80;', `listen 127.0.0.1:${listen};`);
  expect(config).not.toMatch(/ratify-[12]:3000|listen 80;/);
  return config;
}

/** nginx in the foreground, on a folder of its own, serving the README's configuration. */
class Nginx {
  private constructor(
    private readonly process: ChildProcess,
    private readonly folder: string,
    readonly port: number,
  ) {}

  static async start(upstreams: [number, number]): Promise<Nginx> {
    const folder = mkdtempSync(join(tmpdir(), 'ratify-nginx-'));
    const port = await freePort();
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
      .map((kind) => `${kind}_temp_path ${folder}/${kind};`)
      .join(' ');
    writeFileSync(
      join(folder, 'nginx.conf'),
      `worker_processes 1;
events { worker_connections 256; }
http {
  access_log off;
  ${temp}
${readmeConfig(upstreams, port)}
}
`,
    );
    const args = ['-p', folder, '-c', join(folder, 'nginx.conf'), '-e', join(folder, 'error.log')];
    // The configuration is checked as an operator would, before it is served.
    execFileSync(NGINX, [...args, '-t'], { stdio: 'pipe' });
    const child = spawn(NGINX, [...args, '-g', `daemon off; pid ${folder}/nginx.pid;`], {
      stdio: 'ignore',
    });
    const nginx = new Nginx(child, folder, port);
    await waitUntil(() =>
      fetch(`${nginx.url}/health`).then(
        (response) => response.ok,
        () => false,
      ),
    );
    return nginx;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/graphql`;
  }

  /** One GraphQL operation through the proxy, as the admin; its errors fail the spec. */
  async ok(query: string, variables: Record<string, unknown> = {}, headers = {}) {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    if (response.status !== 200 || body.errors || !body.data) {
      throw new Error(`${response.status}: ${JSON.stringify(body.errors)}`);
    }
    return body.data;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        rmSync(this.folder, { recursive: true, force: true });
        resolve();
      };
      if (this.process.exitCode !== null || this.process.signalCode !== null) return done();
      this.process.once('exit', done);
      this.process.kill('SIGQUIT'); // nginx's graceful stop
    });
  }
}

/** The request lines an instance wrote (it runs with LOG_LEVEL=log and its output captured). */
function requestLines(server: ChildServer): Record<string, unknown>[] {
  return server.output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === 'request' && line.path === '/graphql');
}

const STALL_OR_RESUME = `mutation ($id: ID!, $action: WorkflowAction!) { advanceAgreement(input: { agreementId: $id, action: $action }) { version } }`;
const EVENTS = `subscription ($id: ID, $after: String) { agreementEvents(agreementId: $id, after: $after) { sequence action cursor } }`;

(enabled ? describe : describe.skip)(
  enabled
    ? 'two instances behind nginx (README, "Two instances behind a proxy")'
    : `two instances behind nginx: skipped ${skippedBecause}`,
  () => {
    let database: TestDatabase;
    let servers: ChildServer[] = [];
    let nginx: Nginx | undefined;
    const subscribers: Subscriber<any>[] = [];

    beforeAll(() => buildOnce(), 120000);
    beforeEach(async () => {
      database = await createTestDatabase();
      const env = {
        REDIS_URL: process.env.REDIS_URL!,
        TRUST_PROXY: 'loopback',
        LOG_LEVEL: 'log',
        NODE_ENV: 'production',
      };
      servers = [
        await ChildServer.start(database, env, { capture: true }),
        await ChildServer.start(database, env, { capture: true }),
      ];
      const ports = servers.map((server) => Number(new URL(server.url).port));
      nginx = await Nginx.start([ports[0], ports[1]]);
    }, 60000);
    afterEach(async () => {
      await Promise.all(subscribers.splice(0).map((subscriber) => subscriber.close()));
      await nginx?.stop();
      await Promise.all(servers.map((server) => server.kill()));
      await database.drop();
    });

    it('is ready through the proxy, spreads requests over both instances, and logs the address the proxy saw', async () => {
      const ready = await fetch(`${nginx!.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok' });
      const created = await AgreementFactory.create(nginx!);
      for (let i = 0; i < 6; i += 1) {
        const { agreement } = await nginx!.ok(
          `query ($id: ID!) { agreement(id: $id) { stage } }`,
          { id: created.id },
          // A client naming an address of its choosing: the proxy replaces it with its own view.
          { 'x-forwarded-for': '203.0.113.7', 'x-request-id': `through-proxy-${i}` },
        );
        expect(agreement.stage).toBe('NEGOTIATION');
      }
      await waitUntil(
        () =>
          servers.flatMap(requestLines).filter((line) => String(line.reqId).startsWith('through-'))
            .length === 6,
      );
      for (const server of servers) {
        const lines = requestLines(server).filter((line) =>
          String(line.reqId).startsWith('through-proxy-'),
        );
        expect(lines.length).toBeGreaterThan(0); // round robin: each instance took some
        for (const line of lines) {
          expect(line).toMatchObject({ status: 200, clientAddress: '127.0.0.1', type: 'query' });
        }
      }
      expect(servers.map((server) => server.output).join('')).not.toContain('203.0.113.7');
    });

    it('lets a subscriber whose instance stops resume through the proxy on the other, every event once and in order', async () => {
      const { id } = (await AgreementFactory.create(nginx!)) as { id: string };
      const first = new Subscriber<any>(nginx!.wsUrl, EVENTS, { id });
      subscribers.push(first);
      // Which instance the proxy gave the WebSocket to.
      let holder: ChildServer | undefined;
      await waitUntil(async () => {
        for (const server of servers) {
          if ((await server.health()).subscriptions > 0) holder = server;
        }
        return holder !== undefined;
      });
      await nginx!.ok(STALL_OR_RESUME, { id, action: 'STALL' });
      await nginx!.ok(STALL_OR_RESUME, { id, action: 'RESUME' });
      const before = (await first.take(2)).map((message) => message.agreementEvents);
      expect(before.map((event) => event.action)).toEqual(['STALL', 'RESUME']);

      await holder!.stop(); // SIGTERM, as a deploy does: its sockets close with 1001
      await first.failure();
      // Written while the subscriber is away, through the proxy, which now has one instance.
      for (const action of ['STALL', 'RESUME', 'STALL']) {
        await nginx!.ok(STALL_OR_RESUME, { id, action });
      }
      const resumed = new Subscriber<any>(nginx!.wsUrl, EVENTS, { id, after: before[1].cursor });
      subscribers.push(resumed);
      await nginx!.ok(STALL_OR_RESUME, { id, action: 'RESUME' });
      const after = (await resumed.take(4)).map((message) => message.agreementEvents);
      expect(after.map((event) => event.action)).toEqual(['STALL', 'RESUME', 'STALL', 'RESUME']);
      const sequences = [...before, ...after].map((event) => event.sequence as number);
      expect(sequences).toEqual(sequences.map((_, i) => sequences[0] + i));
      const other = servers.find((server) => server !== holder)!;
      expect((await other.health()).subscriptions).toBe(1);
    });
  },
);
