import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import {
  accessibilityViolations,
  BROWSER_SKIPPED_BECAUSE,
  hasBrowser,
  launchBrowser,
  screenshot,
  watchPage,
} from '../support/browser.js';
import { dialect } from '../support/databases.js';
import { ADMIN_TOKEN, TestServer } from '../support/server.js';

const inBrowser = hasBrowser && dialect === 'sqlite';

const get = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { headers, redirect: 'manual' });

describe('the web app, over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
  });
  afterAll(() => server.dispose());

  it('is at /app, where / leads; every address under /app is the same page', async () => {
    const root = await get(`${server.url}/`);
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/app');
    for (const path of ['/app', '/app/', '/app/agreements/x', '/app/agreements/x/parties/KR']) {
      const page = await get(`${server.url}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('<div id="app">');
    }
  });

  it('has a strict policy: no inline script but its import map (by hash), no inline style', async () => {
    const page = await get(`${server.url}/app`);
    const policy = page.headers.get('content-security-policy')!;
    const html = await page.text();
    const importMap = /<script type="importmap">(.*?)<\/script>/s.exec(html)![1];
    const hash = Buffer.from(
      await crypto.subtle.digest('SHA-256', new TextEncoder().encode(importMap)),
    ).toString('base64');
    expect(policy).toContain(`script-src 'self' 'sha256-${hash}';`);
    expect(policy).toContain("style-src 'self';");
    expect(policy).toContain("connect-src 'self';");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/unsafe|https?:|\*/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(html).not.toMatch(/(https?:)?\/\/[a-z]/i);
    expect(html).not.toMatch(/ style=|<style/);
  });

  it('serves its files under their version, for good, and nothing under another', async () => {
    const html = await (await get(`${server.url}/app`)).text();
    const main = /src="(\/app\/assets\/([0-9a-f]{12})\/main\.js)"/.exec(html)!;
    const asset = await get(`${server.url}${main[1]}`, { 'accept-encoding': 'gzip' });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    for (const path of [
      `/app/assets/000000000000/main.js`,
      `/app/assets/${main[2]}/nothing.js`,
      `/app/assets/${main[2]}/..%2F..%2Fpackage.json`,
      `/app/assets/${main[2]}/vendor/lit-html/development/lit-html.js`,
    ]) {
      expect((await get(`${server.url}${path}`)).status).toBe(404);
    }
  });
});

(inBrowser ? describe : describe.skip)(
  inBrowser
    ? 'the web app in Chromium'
    : `the web app in Chromium: skipped ${hasBrowser ? '(it runs in the sqlite project)' : BROWSER_SKIPPED_BECAUSE}`,
  () => {
    let server: TestServer;
    let browser: Browser;
    let sma11: string;
    let sma10: string;
    const pages: { page: Page; problems: string[] }[] = [];

    beforeAll(async () => {
      server = await TestServer.start();
      browser = await launchBrowser();
      const found = await server.ok(`query { agreements { edges { node { id shortTitle } } } }`);
      const id = (short: string) =>
        found.agreements.edges.find((edge: any) => edge.node.shortTitle === short).node.id;
      sma11 = id('11th SMA');
      sma10 = id('10th SMA');
    });
    afterAll(async () => {
      await browser?.close();
      await server?.dispose();
    });

    async function open(path: string, options: { reducedMotion?: boolean } = {}) {
      const page = await browser.newPage({
        viewport: { width: 1280, height: 900 },
        reducedMotion: options.reducedMotion ? 'reduce' : 'no-preference',
      });
      page.setDefaultTimeout(10_000);
      const problems = await watchPage(page, server.url);
      await page.goto(`${server.url}${path}`);
      pages.push({ page, problems });
      return { page, problems };
    }

    const live = (page: Page) => page.locator('.status .live.on').waitFor();
    const advance = (id: string, action: string, note: string) =>
      server.ok(
        `mutation ($id: ID!, $action: WorkflowAction!, $note: String) { advanceAgreement(input: { agreementId: $id, action: $action, note: $note }) { stage } }`,
        { id, action, note },
      );
    /** The sequences of the timeline's rows, as the page shows them (newest first). */
    const shownSequences = (page: Page) =>
      page
        .locator('#timeline > li')
        .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-sequence'))));
    const logSequences = async (id: string) => {
      const data = await server.ok(
        `query ($id: ID) { events(agreementId: $id, first: 100) { edges { node { sequence } } } }`,
        { id },
      );
      return data.events.edges.map((edge: any) => edge.node.sequence).reverse();
    };

    it('lists the agreements; its filters are in the URL and come back from it', async () => {
      const { page, problems } = await open('/');
      expect(new URL(page.url()).pathname).toBe('/app');
      await page.locator('table.agreements tbody tr').nth(1).waitFor();
      expect(await page.locator('.count').innerText()).toBe('2 agreements');
      console.log(`The list: ${await screenshot(page, 'list')}`);

      await page.getByLabel('Stage').selectOption('EXPIRED');
      await page.locator('.count', { hasText: '1 agreement' }).waitFor();
      expect(new URL(page.url()).search).toBe('?stage=EXPIRED');
      expect(await page.locator('table.agreements tbody').innerText()).toContain('10th SMA');

      await page.getByLabel('Stage').selectOption('');
      await page.getByLabel('Search').fill('11th');
      await page.locator('.count', { hasText: '1 agreement' }).waitFor();
      expect(new URL(page.url()).search).toBe('?q=11th');
      expect(await page.locator('table.agreements tbody').innerText()).toContain('11th SMA');

      // The same address, opened anew, shows the same list with its filters filled in.
      const again = await open('/app?party=KR&partyStatus=NEGOTIATING&q=special');
      await again.page.locator('.count', { hasText: '1 agreement' }).waitFor();
      expect(await again.page.locator('table.agreements tbody').innerText()).toContain('11th SMA');
      expect(await again.page.getByLabel('Party', { exact: true }).inputValue()).toBe('KR');
      expect(await again.page.getByLabel('Party status').inputValue()).toBe('NEGOTIATING');
      expect(await again.page.getByLabel('Search').inputValue()).toBe('special');
      expect([...problems, ...again.problems]).toEqual([]);
    });

    it('shows one agreement: stage, progress, entry into force, parties, timeline, workflow', async () => {
      const { page, problems } = await open('/app');
      await page.getByRole('link', { name: '11th US–ROK Special Measures Agreement' }).click();
      await page.getByRole('heading', { level: 1, name: /11th US–ROK/ }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/app/agreements/${sma11}`);
      await live(page);
      expect(await page.locator('.facts .badge').innerText()).toBe('Agreement in principle');
      expect(await page.locator('.progress [aria-current="step"]').innerText()).toMatch(
        /Agreement in principle/,
      );
      expect(await page.locator('#eif-heading + p').innerText()).toMatch(/administrator/);
      const parties = page.locator('table.parties tbody tr');
      expect(await parties.count()).toBe(2);
      expect(await page.locator('#party-KR').innerText()).toMatch(
        /Republic of Korea[\s\S]*Pending/,
      );
      const rows = await shownSequences(page);
      expect(rows).toEqual(await logSequences(sma11));
      expect(await page.locator('#timeline a.source').count()).toBe(rows.length);
      expect(await page.locator('.diagram .stage.current').innerHTML()).toContain(
        'Agreement in principle',
      );
      expect(await page.locator('.relations').innerText()).toContain('10th SMA');
      console.log(`An agreement: ${await screenshot(page, 'agreement')}`);
      expect(problems).toEqual([]);
    });

    it('links to each party, whose row and history it shows', async () => {
      const { page, problems } = await open(`/app/agreements/${sma11}/parties/KR`);
      await page.getByRole('heading', { name: 'Republic of Korea (KR)' }).waitFor();
      expect(await page.locator('#party-KR').getAttribute('aria-current')).toBe('true');
      expect(await page.locator('#party-US').getAttribute('aria-current')).toBe('false');
      const unknown = await open(`/app/agreements/${sma11}/parties/ZZ`);
      await unknown.page.getByText('ZZ is not a party to this agreement.').waitFor();
      const missing = await open(`/app/agreements/00000000-0000-4000-8000-000000000000`);
      await missing.page.getByRole('heading', { name: 'No such agreement' }).waitFor();
      const bad = await open(`/app/agreements/not-an-id`);
      await bad.page.getByRole('heading', { name: 'No such agreement' }).waitFor();
      expect([...problems, ...unknown.problems, ...missing.problems, ...bad.problems]).toEqual([]);
    });

    it('shows a change the moment it commits, highlighted and announced, without reload', async () => {
      const { page, problems } = await open(`/app/agreements/${sma11}`);
      await live(page);
      const list = await open('/app');
      await live(list.page);
      await advance(sma11, 'REOPEN', 'Talks reopened, seen live');
      const fresh = page.locator('#timeline > li.fresh');
      await fresh.waitFor();
      expect(await fresh.innerText()).toContain('Talks reopened, seen live');
      await page.locator('.facts .badge', { hasText: 'Negotiation' }).waitFor();
      expect(await page.locator('.announcer').innerText()).toMatch(
        /Agreement in principle → Negotiation/,
      );
      // The list, open elsewhere, moves too.
      await list.page.locator('table.agreements .badge', { hasText: 'Negotiation' }).waitFor();
      console.log(`A change, live: ${await screenshot(page, 'agreement-live')}`);
      await advance(sma11, 'REACH_AGREEMENT_IN_PRINCIPLE', 'Back in principle');
      await page.locator('.facts .badge', { hasText: 'Agreement in principle' }).waitFor();
      expect(await shownSequences(page)).toEqual(await logSequences(sma11));
      expect([...problems, ...list.problems]).toEqual([]);
    });

    it('reconnects after a dropped WebSocket, with nothing missed and nothing twice', async () => {
      const sockets: WebSocketRoute[] = [];
      const page = await browser.newPage();
      page.setDefaultTimeout(15_000);
      const problems = await watchPage(page, server.url);
      await page.routeWebSocket(/\/graphql$/, (socket) => {
        sockets.push(socket);
        socket.connectToServer();
      });
      await page.goto(`${server.url}/app/agreements/${sma10}`);
      await live(page);
      const before = await shownSequences(page);

      // The connection drops; two changes commit while the page is away.
      await sockets[0].close({ code: 4000, reason: 'dropped by the test' });
      await page.locator('.status .live.reconnecting', { hasText: 'attempt 1' }).waitFor();
      await server.ok(
        `mutation ($id: ID!) { updateAgreement(input: { agreementId: $id, summary: "While away, 1" }) { version } }`,
        { id: sma10 },
      );
      await server.ok(
        `mutation ($id: ID!) { updateAgreement(input: { agreementId: $id, summary: "While away, 2" }) { version } }`,
        { id: sma10 },
      );
      await live(page);
      await page.locator('.summary', { hasText: 'While away, 2' }).waitFor();
      await page.locator('#timeline > li.fresh').nth(1).waitFor();
      const after = await shownSequences(page);
      expect(after).toEqual(await logSequences(sma10));
      expect(after).toHaveLength(before.length + 2);
      expect(new Set(after).size).toBe(after.length);
      expect(sockets.length).toBe(2);
      expect(problems).toEqual([]);
      await page.close();
    });

    it('lets an editor record what it may, and no more; a bad token is refused and not kept', async () => {
      await advance(sma11, 'SIGN', 'Signed in Seoul');
      const editor = (
        await server.ok(`mutation { createApiToken(name: "kr-desk", role: EDITOR) { token } }`)
      ).createApiToken.token;
      const { page, problems } = await open(`/app/agreements/${sma11}`);
      await live(page);
      expect(await page.locator('#record-heading').count()).toBe(0);

      await page.getByText('Sign in to record changes').click();
      await page.getByLabel('API token').fill('not-a-token-of-this-server');
      await page.getByRole('button', { name: 'Use token' }).click();
      await page.getByRole('alert').filter({ hasText: 'The token is not valid' }).waitFor();
      expect(await page.evaluate(() => (globalThis as any).sessionStorage.length)).toBe(0);

      await page.getByLabel('API token').fill(editor);
      await page.getByRole('button', { name: 'Use token' }).click();
      await page.getByText('Signed in as kr-desk (Editor)').waitFor();
      await live(page);
      expect(page.url()).not.toContain(editor);
      expect(
        await page.evaluate(() => (globalThis as any).sessionStorage.getItem('ratify.token')),
      ).toBe(editor);
      // No workflow action for an editor; for each party, exactly what the API lists.
      await page.getByText('Workflow actions need an admin token.').waitFor();
      const listed = await server.ok(
        `query ($id: ID!) { agreement(id: $id) { parties { code availableActions } } }`,
        { id: sma11 },
      );
      for (const party of listed.agreement.parties) {
        const buttons = await page
          .locator(`#party-${party.code} .buttons button`)
          .evaluateAll((elements) => elements.map((element) => element.textContent!.trim()));
        expect(buttons).toEqual(
          party.availableActions.map(
            (action: string) =>
              `${action.charAt(0)}${action.slice(1).toLowerCase().replace(/_/g, ' ')}…`,
          ),
        );
      }
      console.log(`An editor: ${await screenshot(page, 'agreement-editor')}`);

      // A refusal is shown in the dialog as the API words it, and nothing is written.
      const before = await shownSequences(page);
      await page.locator('#party-US').getByRole('button', { name: 'Sign…' }).click();
      const dialog = page.getByRole('dialog', { name: 'United States: Sign' });
      await dialog.getByLabel('Date it happened').fill('2100-01-01');
      await dialog.getByRole('button', { name: 'Record' }).click();
      await dialog
        .getByRole('alert')
        .filter({ hasText: /future/ })
        .waitFor();
      console.log(`A refusal: ${await screenshot(page, 'agreement-refusal')}`);
      expect(await logSequences(sma11)).toEqual(before);

      await dialog.getByLabel('Date it happened').fill('');
      await dialog.getByLabel('Source (a link to the report)').fill('https://example.org/us-signs');
      await dialog.getByRole('button', { name: 'Record' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.locator('#timeline > li.fresh', { hasText: 'United States signed.' }).waitFor();
      await page.locator('#party-US td').nth(1).filter({ hasText: /\d{4}/ }).waitFor();
      expect(await page.locator('#party-US a[href="https://example.org/us-signs"]').count()).toBe(
        1,
      );
      expect(problems).toEqual([]);
    });

    it('lets an admin move the workflow and record a vote, which ratifies', async () => {
      const { page, problems } = await open(`/app/agreements/${sma11}`);
      await live(page);
      await page.getByText('Sign in to record changes').click();
      await page.getByLabel('API token').fill(ADMIN_TOKEN);
      await page.getByRole('button', { name: 'Use token' }).click();
      await page.getByText('Signed in as ADMIN_TOKEN (Admin)').waitFor();
      await live(page);
      await page.getByRole('button', { name: 'Submit for approval…' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Record' }).click();
      await page.locator('.facts .badge', { hasText: 'Parliamentary review' }).waitFor();

      await page.locator('#party-KR').getByRole('button', { name: 'Approval: approved…' }).click();
      const vote = page.getByRole('dialog', { name: 'Republic of Korea: approval approved' });
      await vote.getByLabel('For').fill('179');
      await vote.getByLabel('Against').fill('2');
      await vote.getByLabel('Abstaining').fill('6');
      console.log(`A vote, before it is recorded: ${await screenshot(page, 'agreement-vote')}`);
      await vote.getByRole('button', { name: 'Record' }).click();
      await page
        .locator('#timeline > li', {
          hasText: 'The National Assembly of KR approved it, 179 for, 2 against, 6 abstaining.',
        })
        .waitFor();
      await page.locator('.facts .badge', { hasText: 'Ratified' }).waitFor();
      expect(await page.locator('#party-KR').innerText()).toMatch(/Approved, 179 for, 2 against/);
      expect(problems).toEqual([]);
    });

    it('says it is offline, with a reload button, when the server refuses its token', async () => {
      const { createApiToken } = await server.ok(
        `mutation { createApiToken(name: "desk-to-revoke", role: EDITOR) { token apiToken { id } } }`,
      );
      const { page, problems } = await open(`/app/agreements/${sma10}`);
      await page.getByText('Sign in to record changes').click();
      await page.getByLabel('API token').fill(createApiToken.token);
      await page.getByRole('button', { name: 'Use token' }).click();
      await page.getByText('Signed in as desk-to-revoke (Editor)').waitFor();
      await live(page);
      await server.ok(`mutation ($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`, {
        id: createApiToken.apiToken.id,
      });
      // The server closes a revoked token's sockets within seconds (4403): no point retrying.
      await page
        .locator('.status .live.offline', { hasText: 'The server refused the token of this tab.' })
        .waitFor({ timeout: 15_000 });
      await page.locator('.status').getByRole('button', { name: 'Reload' }).waitFor();
      console.log(`Offline: ${await screenshot(page, 'agreement-offline')}`);
      expect(problems).toEqual([]);
    });

    it('downloads the party table as CSV', async () => {
      const { page, problems } = await open(`/app/agreements/${sma11}`);
      const button = page.getByRole('button', { name: 'Download the table (CSV)' });
      const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
      expect(download.suggestedFilename()).toBe('11th-sma-parties.csv');
      const lines = readFileSync(await download.path(), 'utf8').split('\r\n');
      expect(lines[0]).toMatch(/^code,name,status,signature,consent,/);
      expect(lines.find((line) => line.startsWith('KR,'))).toMatch(
        /^KR,Republic of Korea,\w+,.*,APPROVED,179,2,6,National Assembly,National Assembly,,1$/,
      );
      expect(problems).toEqual([]);
    });

    it('has no WCAG 2.1 A or AA violation (axe-core) on the list, an agreement and the editor', async () => {
      const list = await open('/app');
      await list.page.locator('table.agreements tbody tr').first().waitFor();
      expect(await accessibilityViolations(list.page)).toEqual([]);

      const agreement = await open(`/app/agreements/${sma11}`);
      await live(agreement.page);
      expect(await accessibilityViolations(agreement.page)).toEqual([]);

      await agreement.page.getByText('Sign in to record changes').click();
      expect(await accessibilityViolations(agreement.page)).toEqual([]);
      await agreement.page.getByLabel('API token').fill(ADMIN_TOKEN);
      await agreement.page.getByRole('button', { name: 'Use token' }).click();
      await agreement.page.getByText('Signed in as ADMIN_TOKEN (Admin)').waitFor();
      const record = agreement.page.locator(
        '.record .buttons button, table.parties .buttons button',
      );
      await record.first().waitFor();
      expect(await accessibilityViolations(agreement.page)).toEqual([]);
      await record.first().click();
      await agreement.page.getByRole('dialog').waitFor();
      expect(await accessibilityViolations(agreement.page)).toEqual([]);
      expect([...list.problems, ...agreement.problems]).toEqual([]);

      // The check itself finds what it should: a page with an unlabelled field and no language.
      const control = await browser.newPage();
      await control.setContent('<html><body><input type="text"></body></html>');
      expect((await accessibilityViolations(control)).map((v) => v.split(' ')[0])).toEqual(
        expect.arrayContaining(['html-has-lang', 'label']),
      );
      await control.close();
    });

    it('does not animate new rows for a reader who asks for reduced motion', async () => {
      const { page } = await open(`/app/agreements/${sma10}`, { reducedMotion: true });
      await live(page);
      await server.ok(
        `mutation ($id: ID!) { updateAgreement(input: { agreementId: $id, summary: "Calmly" }) { version } }`,
        { id: sma10 },
      );
      const row = page.locator('#timeline > li.fresh').first();
      await row.waitFor();
      expect(
        await row.evaluate(
          (element) => element.ownerDocument.defaultView?.getComputedStyle(element).animationName,
        ),
      ).toBe('none');
    });
  },
);
