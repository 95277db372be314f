import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export const ADMIN_TOKEN = 'bench-admin-token-0123456789';

/** A server in a child process: Ratify or a baseline. */
export class Child {
  private constructor(
    readonly name: string,
    readonly process: ChildProcess,
    readonly port: number,
  ) {}

  /**
   * Starts `node <script>` with `env` and PORT, and waits until `readyPath` answers. Its
   * standard output goes to `logFile` when given (a server's log lines, written as in
   * production), otherwise nowhere.
   */
  static async start(
    name: string,
    script: string,
    env: Record<string, string>,
    readyPath = '/health',
    logFile?: string,
  ): Promise<Child> {
    const port = await freePort();
    const stdout = logFile === undefined ? 'ignore' : openSync(logFile, 'a');
    const child = spawn(process.execPath, [script], {
      env: { PATH: process.env.PATH, ...env, PORT: String(port) },
      stdio: ['ignore', stdout, 'inherit'],
    });
    if (typeof stdout === 'number') closeSync(stdout); // the child holds its own copy
    const started = new Child(name, child, port);
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
      const ok = await fetch(`${started.url}${readyPath}`).then(
        (response) => response.status < 500,
        () => false,
      );
      if (ok) return started;
      if (Date.now() > deadline) throw new Error(`${name} did not start`);
      await sleep(50);
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get graphqlUrl(): string {
    return `${this.url}/graphql`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/graphql`;
  }

  /** Resident memory of the process, in bytes (Linux). */
  rssBytes(): number {
    const status = readFileSync(`/proc/${this.process.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb * 1024;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.process.exitCode !== null || this.process.signalCode !== null) return resolve();
      this.process.once('exit', () => resolve());
      this.process.kill('SIGKILL');
    });
  }
}

/** The bench's GraphQL client: one operation over HTTP, failing on any error. */
export async function gql<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors || !body.data) {
    throw new Error(`GraphQL errors from ${url}: ${JSON.stringify(body.errors)}`);
  }
  return body.data;
}

/** The raw bytes a POST of this operation answers with. */
export async function rawAnswer(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return response.text();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
