import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentTypeOf, staticFile, type StaticFile } from '../common/static-files.js';

/**
 * The files of the offline GraphiQL, all from this server (README, "GraphiQL"):
 * - `graphiql.js`, `graphiql.css` and the three editor workers: GraphiQL, React and the Monaco
 *   editor as `@graphql-yoga/render-graphiql` bundles them (its HTML would inline all 9 MB of
 *   them in every page, which a Content-Security-Policy without 'unsafe-inline' cannot allow);
 * - `graphql-ws.js`: the graphql-ws browser client (its UMD build), for subscriptions;
 * - `start.js`, which connects the two, and `favicon.svg`: Ratify's own (web/graphiql/start.js,
 *   web/favicon.svg).
 *
 * Read on the first request only (a production server without GRAPHIQL never loads them), then
 * kept, gzipped once, in memory.
 */
export class GraphiQLAssets {
  private loading?: Promise<ReadonlyMap<string, StaticFile>>;

  /** The asset called `name`, or undefined when there is none. */
  async get(name: string): Promise<StaticFile | undefined> {
    this.loading ??= load();
    try {
      return (await this.loading).get(name);
    } catch (error) {
      this.loading = undefined; // a failed read is tried again on the next request
      throw error;
    }
  }
}

async function load(): Promise<ReadonlyMap<string, StaticFile>> {
  const yoga = await import('@graphql-yoga/render-graphiql/graphiql');
  const require = createRequire(import.meta.url);
  const graphqlWs = join(dirname(require.resolve('graphql-ws')), '..', 'umd', 'graphql-ws.min.js');
  const own = (name: string) =>
    readFile(fileURLToPath(new URL(`../../web/${name}`, import.meta.url)));
  const files: [string, string | Buffer][] = [
    ['graphiql.js', yoga.js],
    ['graphiql.css', yoga.css],
    ['editor.worker.js', yoga.editorWorkerService],
    ['json.worker.js', yoga.jsonWorker],
    ['graphql.worker.js', yoga.graphqlWorker],
    ['graphql-ws.js', await readFile(graphqlWs)],
    ['start.js', await own('graphiql/start.js')],
    ['favicon.svg', await own('favicon.svg')],
  ];
  const assets = new Map<string, StaticFile>();
  for (const [name, content] of files) {
    assets.set(name, await staticFile(content, contentTypeOf(name)));
  }
  return assets;
}
