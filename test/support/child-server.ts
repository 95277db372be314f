import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../bench/lib/processes.js';
import type { TestDatabase } from './databases.js';
import { ADMIN_TOKEN, waitUntil } from './server.js';

let built = false;

/** Compiles the server as `npm start` does, once per test file. */
export function buildOnce(): void {
  if (!built) {
    execFileSync(process.execPath, [
      'node_modules/typescript/bin/tsc',
      '-p',
      'tsconfig.build.json',
    ]);
    built = true;
  }
}

/** A Ratify server in a child process (dist/main.js), that can be killed or stopped. */
export class ChildServer {
  /** What it wrote on stdout and stderr, when started with `capture`. */
  output = '';

  private constructor(
    readonly process: ChildProcess,
    readonly url: string,
  ) {}

  /** Starts on `database`; `env` adds or overrides variables (REDIS_URL, ...). */
  static async start(
    database: TestDatabase,
    env: Record<string, string> = {},
    { capture = false }: { capture?: boolean } = {},
  ): Promise<ChildServer> {
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/main.js'], {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        DATABASE_URL: database.url,
        ADMIN_TOKEN,
        SEED_DEMO: 'false',
        RATE_LIMIT_WRITES_PER_MINUTE: '0',
        LOG_LEVEL: 'error',
        ...env,
      },
      stdio: capture ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'ignore', 'inherit'],
    });
    const server = new ChildServer(child, `http://127.0.0.1:${port}`);
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (chunk: Buffer) => (server.output += chunk.toString('utf8')));
    }
    await waitUntil(async () => {
      if (child.exitCode !== null) throw new Error(`The server exited with ${child.exitCode}`);
      return fetch(`${server.url}/health`).then(
        (r) => r.ok,
        () => false,
      );
    }, 20000);
    return server;
  }

  get wsUrl(): string {
    return `${this.url.replace('http', 'ws')}/graphql`;
  }

  /** One GraphQL operation as the bootstrap admin; a dead server makes it throw. */
  async gql(query: string, variables: Record<string, unknown> = {}) {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as {
      data?: any;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
  }

  async ok(query: string, variables: Record<string, unknown> = {}) {
    const result = await this.gql(query, variables);
    if (result.errors || !result.data) throw new Error(JSON.stringify(result.errors));
    return result.data;
  }

  async health(): Promise<{
    status: string;
    database: string;
    redis: string;
    subscriptions: number;
  }> {
    return (await fetch(`${this.url}/health`)).json() as Promise<{
      status: string;
      database: string;
      redis: string;
      subscriptions: number;
    }>;
  }

  /** Stops the process as an orchestrator does (SIGTERM) and waits for it to end. */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.process.exitCode !== null || this.process.signalCode !== null) {
        resolve();
        return;
      }
      this.process.once('exit', () => resolve());
      this.process.kill('SIGTERM');
    });
  }

  /** Kills the process and waits for it to end. */
  kill(): Promise<void> {
    return new Promise((resolve) => {
      if (this.process.exitCode !== null || this.process.signalCode !== null) {
        resolve();
        return;
      }
      this.process.once('exit', () => resolve());
      this.process.kill('SIGKILL');
    });
  }
}
