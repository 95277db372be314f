import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildSchema, parse, validate } from 'graphql';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_QUERY } from '../src/graphiql/graphiql.controller.js';
import {
  BROWSER_SKIPPED_BECAUSE,
  hasBrowser,
  launchBrowser,
  screenshot,
  watchPage,
} from './support/browser.js';
import { dialect } from './support/databases.js';
import { ADMIN_TOKEN, TestServer, waitUntil } from './support/server.js';

const get = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { headers, redirect: 'manual' });

/** The paths of every script, style sheet and worker the page names. */
function pageAssets(html: string): string[] {
  const named = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
  const options = JSON.parse(
    /<script type="application\/json" id="graphiql-options">(.*?)<\/script>/s.exec(html)![1],
  ) as { bundle: string; workers: Record<string, string> };
  return [...named, options.bundle, ...Object.values(options.workers)];
}

describe('GraphiQL, served by Ratify itself', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start();
  });
  afterAll(() => server.dispose());

  it('is at /graphiql, where a browser opening /graphql leads', async () => {
    const link = await get(`${server.url}/graphql`, { accept: 'text/html,*/*' });
    expect(link.status).toBe(302);
    expect(link.headers.get('location')).toBe('/graphiql');
    // A client asking for JSON, or sending a query, still gets GraphQL.
    const query = await get(`${server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      accept: 'text/html,*/*',
    });
    expect(await query.json()).toEqual({ data: { __typename: 'Query' } });
    const page = await get(`${server.url}/graphiql`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('names no external URL, and loads every file it names from this server', async () => {
    const page = await get(`${server.url}/graphiql`);
    const html = await page.text();
    expect(html).not.toMatch(/(https?:)?\/\/[a-z]/i);
    const assets = pageAssets(html);
    expect(assets).toHaveLength(8);
    for (const path of assets) {
      expect(path).toMatch(/^\/graphiql\/[a-z.-]+\.(js|css|svg)$/);
      const asset = await get(`${server.url}${path}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(/^(text\/(javascript|css)|image\/svg)/);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
  });

  it('locks the page down: its own files and this server alone, no framing', async () => {
    const page = await get(`${server.url}/graphiql`);
    const policy = page.headers.get('content-security-policy')!;
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("connect-src 'self';");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends its 9 MB bundle gzipped, and 304 while it has not changed', async () => {
    const bundle = await get(`${server.url}/graphiql/graphiql.js`, { 'accept-encoding': 'gzip' });
    expect(bundle.headers.get('content-encoding')).toBe('gzip');
    expect(bundle.headers.get('vary')).toBe('accept-encoding');
    const etag = bundle.headers.get('etag')!;
    await bundle.arrayBuffer();
    const again = await get(`${server.url}/graphiql/graphiql.js`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    const among = await get(`${server.url}/graphiql/graphiql.js`, {
      'if-none-match': `"other", W/${etag}`,
    });
    expect(among.status).toBe(304);
    const changed = await get(`${server.url}/graphiql/graphiql.js`, { 'if-none-match': '"old"' });
    expect(changed.status).toBe(200);
    await changed.arrayBuffer();
  });

  it.each(['nothing.js', '..%2Fpackage.json', '%2E%2E%2F%2E%2E%2Fpackage.json', 'start.js.map'])(
    'answers 404 for /graphiql/%s',
    async (name) => {
      const response = await get(`${server.url}/graphiql/${name}`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('"name": "ratify"');
    },
  );

  it('starts with operations that are valid against the schema', () => {
    const schema = buildSchema(readFileSync('schema.gql', 'utf8'));
    expect(validate(schema, parse(DEFAULT_QUERY))).toEqual([]);
  });
});

describe('where GraphiQL is off', () => {
  it.each([
    ['GRAPHIQL=false', { GRAPHIQL: 'false' }],
    ['production', { NODE_ENV: 'production' }],
  ])('with %s: no /graphiql and no landing page', async (_, env) => {
    const server = await TestServer.start({ seedDemo: false, env });
    try {
      expect((await get(`${server.url}/graphiql`)).status).toBe(404);
      expect((await get(`${server.url}/graphiql/graphiql.js`)).status).toBe(404);
      expect(await (await get(`${server.url}/app`)).text()).not.toContain('ratify-graphiql');
      // Apollo's landing page (GraphiQL or Sandbox from a CDN) is off too.
      const link = await get(`${server.url}/graphql`, { accept: 'text/html' });
      expect(link.status).toBe(406);
      expect(link.headers.get('content-type')).not.toMatch(/html/);
    } finally {
      await server.dispose();
    }
  });

  it('is on in production with GRAPHIQL=true and GRAPHQL_INTROSPECTION=true', async () => {
    const server = await TestServer.start({
      seedDemo: false,
      env: { NODE_ENV: 'production', GRAPHIQL: 'true', GRAPHQL_INTROSPECTION: 'true' },
    });
    try {
      expect((await get(`${server.url}/graphiql`)).status).toBe(200);
    } finally {
      await server.dispose();
    }
  });
});

const inBrowser = hasBrowser && dialect === 'sqlite';
(inBrowser ? describe : describe.skip)(
  inBrowser
    ? 'GraphiQL in Chromium'
    : `GraphiQL in Chromium: skipped ${hasBrowser ? '(it runs in the sqlite project)' : BROWSER_SKIPPED_BECAUSE}`,
  () => {
    let server: TestServer;
    let browser: Browser;
    let agreementId: string;
    beforeAll(async () => {
      server = await TestServer.start();
      browser = await launchBrowser();
      const found = await server.ok(
        `query { agreements(search: "11th sma") { edges { node { id } } } }`,
      );
      agreementId = found.agreements.edges[0].node.id;
    });
    afterAll(async () => {
      await browser?.close();
      await server?.dispose();
    });

    /** GraphiQL opened on `query`, its schema loaded; `problems` collects what it must not do. */
    async function open(query?: string): Promise<{ page: Page; problems: string[] }> {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      page.setDefaultTimeout(10_000);
      const problems = await watchPage(page, server.url);
      const introspected = page.waitForResponse(
        (response) =>
          response.url() === `${server.url}/graphql` &&
          (response.request().postData() ?? '').includes('IntrospectionQuery'),
      );
      const search = query ? `?query=${encodeURIComponent(query)}` : '';
      await page.goto(`${server.url}/graphiql${search}`);
      expect((await introspected).status()).toBe(200);
      await page.locator('.graphiql-execute-button').waitFor();
      return { page, problems };
    }

    async function setHeaders(page: Page, headers: Record<string, string>): Promise<void> {
      await page.locator('button[data-name="headers"]').click();
      await page.locator('.monaco-editor[data-uri$="headers.json"]').click();
      await page.keyboard.insertText(JSON.stringify(headers));
    }

    const run = (page: Page) => page.locator('.graphiql-execute-button').click();
    /** Waits until GraphiQL's response pane shows `text`. */
    const shows = (page: Page, text: string | RegExp) =>
      page.locator('.graphiql-response', { hasText: text }).waitFor();

    it('loads offline, with nothing from another origin and no policy violation', async () => {
      const { page, problems } = await open();
      await page.locator('.monaco-editor').first().waitFor();
      console.log(`GraphiQL: ${await screenshot(page, 'graphiql')}`);
      expect(problems).toEqual([]);
      await page.close();
    });

    it('runs a query over HTTP, and a mutation with the token of the header editor', async () => {
      const { page, problems } = await open(
        `query Status { agreements(search: "11th sma") { edges { node { shortTitle stage } } } }`,
      );
      await run(page);
      await shows(page, 'AGREEMENT_IN');
      await page.close();

      const mutation = `mutation Note { updateAgreement(input: { agreementId: "${agreementId}", summary: "Set from GraphiQL" }) { summary } }`;
      const anonymous = await open(mutation);
      await run(anonymous.page);
      await shows(anonymous.page, 'UNAUTHENTICATED');
      await setHeaders(anonymous.page, { Authorization: `Bearer ${ADMIN_TOKEN}` });
      await run(anonymous.page);
      await shows(anonymous.page, 'Set from GraphiQL');
      console.log(`GraphiQL, a mutation: ${await screenshot(anonymous.page, 'graphiql-mutation')}`);
      expect([...problems, ...anonymous.problems]).toEqual([]);
      await anonymous.page.close();
    });

    it('runs a subscription over graphql-ws, with the token as connectionParams', async () => {
      const subscription = `subscription Events { agreementEvents { type action toStage note } }`;
      const { page, problems } = await open(subscription);
      const sockets: string[] = [];
      page.on('websocket', (socket) => sockets.push(socket.url()));
      await setHeaders(page, { authorization: `Bearer ${ADMIN_TOKEN}` });
      const before = (await server.health()).subscriptions;
      await run(page);
      await waitUntil(async () => (await server.health()).subscriptions > before);
      expect(sockets).toEqual([`${server.url.replace('http', 'ws')}/graphql`]);
      await server.ok(
        `mutation { advanceAgreement(input: { agreementId: "${agreementId}", action: REOPEN, note: "Seen live in GraphiQL" }) { stage } }`,
      );
      await shows(page, 'Seen live in GraphiQL');
      console.log(`GraphiQL, a subscription: ${await screenshot(page, 'graphiql-subscription')}`);
      await page.close();

      // The header reaches the WebSocket: a token the server does not know is refused there.
      const refused = await open(subscription);
      await setHeaders(refused.page, { Authorization: 'Bearer not-a-token-of-this-server' });
      await run(refused.page);
      await shows(refused.page, /4403|Forbidden/);
      expect([...problems, ...refused.problems]).toEqual([]);
      await refused.page.close();
    });
  },
);
