import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { AgreementFactory } from './factories/agreement.factory.js';
import { allAgreements, allEvents, stageAfter } from './support/pages.js';
import { ADMIN_TOKEN, tempDir, waitUntil } from './support/server.js';

/** A Ratify server in a child process, built as `npm start` builds it, that can be killed. */
class ChildServer {
  private constructor(
    readonly process: ChildProcess,
    readonly url: string,
  ) {}

  static async start(file: string): Promise<ChildServer> {
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/main.js'], {
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: `sqlite:${file}`,
        ADMIN_TOKEN,
        SEED_DEMO: 'false',
        RATE_LIMIT_WRITES_PER_MINUTE: '0',
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const server = new ChildServer(child, `http://127.0.0.1:${port}`);
    await waitUntil(async () => {
      if (child.exitCode !== null) throw new Error(`The server exited with ${child.exitCode}`);
      return fetch(`${server.url}/health`).then(
        (r) => r.ok,
        () => false,
      );
    }, 20000);
    return server;
  }

  /** gql for AgreementFactory and the checks; a dead server answers with a thrown error. */
  async gql(query: string, variables: Record<string, unknown> = {}) {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any; errors?: { message: string }[] };
  }

  async ok(query: string, variables: Record<string, unknown> = {}) {
    const result = await this.gql(query, variables);
    if (result.errors || !result.data) throw new Error(JSON.stringify(result.errors));
    return result.data;
  }

  kill(): Promise<void> {
    return new Promise((resolve) => {
      this.process.once('exit', () => resolve());
      this.process.kill('SIGKILL');
    });
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null) {
      await this.kill();
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('a server killed with SIGKILL under a stream of writes', () => {
  const file = join(tempDir(), 'ratify.sqlite');
  let server: ChildServer;

  beforeAll(() => {
    execFileSync(process.execPath, [
      'node_modules/typescript/bin/tsc',
      '-p',
      'tsconfig.build.json',
    ]);
  }, 120000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dirname(file), { recursive: true, force: true });
  });

  /** Writes until the server dies; returns the highest version acknowledged per agreement. */
  async function writeUntilKilled(ids: string[], created: string[]): Promise<Map<string, number>> {
    const acknowledged = new Map<string, number>();
    const writer = async (n: number) => {
      for (let i = 0; ; i += 1) {
        try {
          if (i % 7 === 6) {
            const { createAgreement } = await server.ok(
              `mutation ($input: CreateAgreementInput!) { createAgreement(input: $input) { id version } }`,
              { input: AgreementFactory.input() },
            );
            created.push(createAgreement.id);
            acknowledged.set(createAgreement.id, createAgreement.version);
            continue;
          }
          const id = ids[(n + i) % ids.length];
          const result = await server.gql(
            i % 3 === 2
              ? `mutation ($id: ID!) { updateAgreement(input: { agreementId: $id, summary: "${n}-${i}" }) { id version } }`
              : `mutation ($id: ID!) { a: advanceAgreement(input: { agreementId: $id, action: ${i % 2 ? 'RESUME' : 'STALL'} }) { id version } }`,
            { id },
          );
          const agreement = result.data?.a ?? result.data?.updateAgreement;
          if (agreement) {
            acknowledged.set(id, Math.max(acknowledged.get(id) ?? 0, agreement.version as number));
          }
        } catch {
          return; // the server is gone
        }
      }
    };
    const writers = Array.from({ length: 4 }, (_, n) => writer(n));
    await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 700));
    await server.kill();
    await Promise.all(writers);
    return acknowledged;
  }

  it('keeps every acknowledged write, applies nothing by halves, and starts cleanly, three times over', async () => {
    server = await ChildServer.start(file);
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      ids.push(
        (
          await server.ok(
            `mutation ($input: CreateAgreementInput!) { createAgreement(input: $input) { id } }`,
            { input: AgreementFactory.input() },
          )
        ).createAgreement.id,
      );
    }
    const created: string[] = [];
    let writesSeen = 0;
    for (let cycle = 0; cycle < 3; cycle += 1) {
      const acknowledged = await writeUntilKilled(ids, created);
      server = await ChildServer.start(file);
      writesSeen += acknowledged.size;

      for (const [id, version] of acknowledged) {
        const { agreement } = await server.ok(
          `query ($id: ID!) { agreement(id: $id) { version } }`,
          { id },
        );
        expect(agreement.version).toBeGreaterThanOrEqual(version);
      }
      for (const id of created) {
        expect(await server.ok(`query ($id: ID!) { agreement(id: $id) { id } }`, { id })).toEqual({
          agreement: { id },
        });
      }
      // Every change in this stream is one event: stored versions, stages and the log agree.
      const agreements = await allAgreements(server);
      for (const agreement of agreements) {
        const events = await allEvents(server, agreement.id);
        expect(events).toHaveLength(agreement.version);
        expect(stageAfter(events)).toBe(agreement.stage);
      }
      const log = await allEvents(server);
      expect(log.map((event) => event.sequence)).toEqual(log.map((_, i) => i + 1));
      expect(log).toHaveLength(agreements.reduce((sum, agreement) => sum + agreement.version, 0));
    }
    expect(writesSeen).toBeGreaterThan(0);
  }, 120000);
});
