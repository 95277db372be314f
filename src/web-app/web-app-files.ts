import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentTypeOf, staticFile, type StaticFile } from '../common/static-files.js';

export const APP_PATH = '/app';

/** The web app's files, under a path that names their version (so they may be cached for good). */
export interface WebApp {
  readonly version: string;
  /** By path below `/app/assets/<version>/`: `main.js`, `app.css`, `vendor/lit-html/lit-html.js`… */
  readonly files: ReadonlyMap<string, StaticFile>;
  /** The import map the page carries: bare module names to versioned paths. */
  readonly importMap: string;
  /**
   * Every module the page loads, from main.js through its imports, as paths below the version:
   * the page names them all at once (modulepreload), so that the browser does not find them one
   * level of imports at a time.
   */
  readonly modules: readonly string[];
}

/** Where `tsc -p web` writes the app (README, "The web app"). */
export const WEB_BUILD = fileURLToPath(new URL('../../dist/web/', import.meta.url));
const WEB_SOURCES = fileURLToPath(new URL('../../web/', import.meta.url));

/** The web app has not been built: `npm run build` (or `npm start`) builds it. */
export class WebAppNotBuilt extends Error {}

/**
 * Reads the app's files once: its modules (dist/web), its style sheet and icon (web/), and the
 * two libraries it imports, from node_modules as their packages publish them for browsers:
 * lit-html (its production build) and the graphql-ws client. No bundler, no CDN.
 */
export async function loadWebApp(): Promise<WebApp> {
  const own = await readdir(WEB_BUILD).catch(() => {
    throw new WebAppNotBuilt('The web app is not built: run `npm run build`.');
  });
  const litHtml = await packageRoot('lit-html');
  const graphqlWs = join(await packageRoot('graphql-ws'), 'dist');
  const sources: [string, string][] = [
    ...own
      .filter((name) => name.endsWith('.js'))
      .map((name): [string, string] => [name, join(WEB_BUILD, name)]),
    ['app.css', join(WEB_SOURCES, 'app.css')],
    ['favicon.svg', join(WEB_SOURCES, 'favicon.svg')],
    ...(await modules(litHtml, 'vendor/lit-html')),
    ...(await modules(join(litHtml, 'directives'), 'vendor/lit-html/directives')),
    ...(await modules(graphqlWs, 'vendor/graphql-ws')).filter(
      ([path]) => path.endsWith('/client.js') || /\/common-[^/]+\.js$/.test(path),
    ),
  ];
  const files = new Map<string, StaticFile>();
  const hash = createHash('sha256');
  for (const [path, file] of sources.sort(([a], [b]) => a.localeCompare(b))) {
    const content = await readFile(file);
    hash.update(path).update(content);
    files.set(path, await staticFile(content, contentTypeOf(path)));
  }
  const version = hash.digest('hex').slice(0, 12);
  const base = `${APP_PATH}/assets/${version}/`;
  const bare: Record<string, string> = {
    'lit-html': 'vendor/lit-html/lit-html.js',
    'lit-html/': 'vendor/lit-html/',
    'graphql-ws': 'vendor/graphql-ws/client.js',
  };
  const importMap = JSON.stringify({
    imports: Object.fromEntries(Object.entries(bare).map(([name, path]) => [name, base + path])),
  });
  return { version, files, importMap, modules: moduleGraph(files, bare, 'main.js') };
}

/** Static `import … from "x"`, `import "x"` and `export … from "x"`. */
const IMPORT = /(?:^|[;}\s])(?:import|export)\s*(?:[\w*{},\s$]*?\bfrom\s*)?["']([^"']+)["']/g;

/**
 * The modules reachable from `entry` by static imports, as paths below the version: relative
 * specifiers resolved against the importing module, bare ones through the import map.
 */
export function moduleGraph(
  files: ReadonlyMap<string, StaticFile>,
  bare: Readonly<Record<string, string>>,
  entry: string,
): string[] {
  const seen = new Set<string>();
  const visit = (path: string) => {
    const file = files.get(path);
    if (!file || seen.has(path)) {
      return;
    }
    seen.add(path);
    for (const [, specifier] of file.body.toString('utf8').matchAll(IMPORT)) {
      visit(resolveSpecifier(specifier, path, bare));
    }
  };
  visit(entry);
  return [...seen];
}

function resolveSpecifier(
  specifier: string,
  from: string,
  bare: Readonly<Record<string, string>>,
): string {
  if (specifier.startsWith('./') || specifier.startsWith('../')) {
    return new URL(specifier, `file:///${from}`).pathname.slice(1);
  }
  if (bare[specifier]) {
    return bare[specifier];
  }
  const prefix = Object.keys(bare).find((name) => name.endsWith('/') && specifier.startsWith(name));
  return prefix ? bare[prefix] + specifier.slice(prefix.length) : specifier;
}

/** The folder of an installed package (whose `exports` may not list its package.json). */
async function packageRoot(name: string): Promise<string> {
  let folder = dirname(createRequire(import.meta.url).resolve(name));
  for (;;) {
    const found = await readFile(join(folder, 'package.json'), 'utf8').then(
      (text) => (JSON.parse(text) as { name?: string }).name === name,
      () => false,
    );
    if (found) {
      return folder;
    }
    const parent = dirname(folder);
    if (parent === folder) {
      throw new Error(`Cannot find the package ${name}`);
    }
    folder = parent;
  }
}

/** The `.js` files of a folder (not its subfolders), as [served path, file]. */
async function modules(folder: string, servedAs: string): Promise<[string, string][]> {
  const names = await readdir(folder);
  return names
    .filter((name) => name.endsWith('.js'))
    .map((name) => [`${servedAs}/${name}`, join(folder, name)]);
}
