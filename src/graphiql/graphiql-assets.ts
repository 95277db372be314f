import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

/** One file of the GraphiQL page, ready to send: its bytes, gzipped bytes, type and ETag. */
export interface GraphiQLAsset {
  readonly body: Buffer;
  readonly gzipped: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

const JS = 'text/javascript; charset=utf-8';

/**
 * The files of the offline GraphiQL, all from this server (README, "GraphiQL"):
 * - `graphiql.js`, `graphiql.css` and the three editor workers: GraphiQL, React and the Monaco
 *   editor as `@graphql-yoga/render-graphiql` bundles them (its HTML would inline all 9 MB of
 *   them in every page, which a Content-Security-Policy without 'unsafe-inline' cannot allow);
 * - `graphql-ws.js`: the graphql-ws browser client (its UMD build), for subscriptions;
 * - `start.js`, which connects the two, and `favicon.svg`: Ratify's own (public/graphiql/).
 *
 * Read on the first request only (a production server without GRAPHIQL never loads them), then
 * kept, gzipped once, in memory.
 */
export class GraphiQLAssets {
  private loading?: Promise<ReadonlyMap<string, GraphiQLAsset>>;

  /** The asset called `name`, or undefined when there is none. */
  async get(name: string): Promise<GraphiQLAsset | undefined> {
    this.loading ??= load();
    try {
      return (await this.loading).get(name);
    } catch (error) {
      this.loading = undefined; // a failed read is tried again on the next request
      throw error;
    }
  }
}

async function load(): Promise<ReadonlyMap<string, GraphiQLAsset>> {
  const yoga = await import('@graphql-yoga/render-graphiql/graphiql');
  const require = createRequire(import.meta.url);
  const graphqlWs = join(dirname(require.resolve('graphql-ws')), '..', 'umd', 'graphql-ws.min.js');
  const own = (name: string) =>
    readFile(fileURLToPath(new URL(`../../public/graphiql/${name}`, import.meta.url)));
  const files: [string, string | Buffer, string][] = [
    ['graphiql.js', yoga.js, JS],
    ['graphiql.css', yoga.css, 'text/css; charset=utf-8'],
    ['editor.worker.js', yoga.editorWorkerService, JS],
    ['json.worker.js', yoga.jsonWorker, JS],
    ['graphql.worker.js', yoga.graphqlWorker, JS],
    ['graphql-ws.js', await readFile(graphqlWs), JS],
    ['start.js', await own('start.js'), JS],
    ['favicon.svg', await own('favicon.svg'), 'image/svg+xml'],
  ];
  const assets = new Map<string, GraphiQLAsset>();
  for (const [name, content, contentType] of files) {
    const body = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    assets.set(name, { body, gzipped: await promisify(gzip)(body), contentType, etag });
  }
  return assets;
}
