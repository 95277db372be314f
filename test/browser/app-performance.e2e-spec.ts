import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isISO31661Alpha2 } from 'class-validator';
import type { Browser } from 'playwright-core';
import {
  BROWSER_SKIPPED_BECAUSE,
  hasBrowser,
  launchBrowser,
  screenshot,
  watchPage,
} from '../support/browser.js';
import { buildOnce, ChildServer } from '../support/child-server.js';
import { createTestDatabase, dialect, type TestDatabase } from '../support/databases.js';

const inBrowser = hasBrowser && dialect === 'sqlite';

/** The first `count` ISO 3166-1 alpha-2 codes, in order. */
function partyCodes(count: number): string[] {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const codes = [...letters].flatMap((a) => [...letters].map((b) => `${a}${b}`));
  return codes.filter((code) => isISO31661Alpha2(code)).slice(0, count);
}

/**
 * What the web app costs a reader (README, "The web app"; BENCHMARKS.md, "The web app"): the
 * bytes it downloads, and how soon a 200-party agreement is on screen and live. The figures are
 * printed; the bounds asserted are generous, since this machine is shared: the targets are
 * judged on the printed figures, as the benchmarks are.
 */
(inBrowser ? describe : describe.skip)(
  inBrowser
    ? 'the web app’s weight and speed'
    : `the web app’s weight and speed: skipped ${hasBrowser ? '(it runs in the sqlite project)' : BROWSER_SKIPPED_BECAUSE}`,
  () => {
    let database: TestDatabase;
    let server: ChildServer;
    let browser: Browser;
    let id: string;

    beforeAll(async () => {
      // The server in a process of its own, as `npm start` runs it: in this one, the browser's
      // driver would share its event loop and slow it down.
      buildOnce();
      database = await createTestDatabase();
      server = await ChildServer.start(database);
      browser = await launchBrowser();
      const codes = partyCodes(200);
      expect(codes).toHaveLength(200);
      const created = await server.ok(
        `mutation ($input: CreateAgreementInput!) { createAgreement(input: $input) { id } }`,
        {
          input: {
            title: 'A convention of two hundred parties',
            shortTitle: 'Convention 200',
            kind: 'TREATY',
            stage: 'SIGNED',
            stageEnteredAt: '2020-01-10T00:00:00.000Z',
            entryIntoForce: { kind: 'THRESHOLD', instruments: 150, daysAfter: 90 },
            parties: codes.map((code) => ({
              code,
              name: `State ${code}`,
              approvalRequired: false,
            })),
          },
        },
      );
      id = created.createAgreement.id;
      // Each party signs, with a source: 200 events for the timeline and the table's links.
      for (const [i, code] of codes.entries()) {
        await server.ok(
          `mutation ($input: RecordPartyActionInput!) { recordPartyAction(input: $input) { version } }`,
          {
            input: {
              agreementId: id,
              partyCode: code,
              action: 'SIGN',
              occurredAt: new Date(Date.UTC(2020, 1, 1 + (i % 28))).toISOString(),
              sourceUrl: `https://treaties.example.org/signatures/${code}`,
            },
          },
        );
      }
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await server?.kill();
      await database?.drop();
    });

    it('shows a 200-party agreement, live, soon after the address is opened', async () => {
      const visits: number[] = [];
      let bytes = 0;
      let requests = 0;
      for (let visit = 0; visit < 4; visit++) {
        // A new page each time, with nothing cached: the first visit after the server started,
        // then three more.
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const problems = await watchPage(page, server.url);
        const assets = new Map<string, Promise<number>>();
        page.on('requestfinished', (request) => {
          if (new URL(request.url()).pathname.startsWith('/app/assets/')) {
            assets.set(
              request.url(),
              request.sizes().then((sizes) => sizes.responseBodySize),
            );
          }
        });
        await page.goto(`${server.url}/app/agreements/${id}`);
        // Milliseconds from the start of the navigation, by the page's own clock, at the first
        // frame where the parties, the newest events and the live connection are all there.
        const interactive = await page.waitForFunction(
          () => {
            const document = (globalThis as any).document;
            const ready =
              document.querySelectorAll('table.parties tbody tr').length === 200 &&
              document.querySelectorAll('#timeline > li').length === 50 &&
              document.querySelector('.status .live.on') !== null;
            return ready ? (globalThis as any).performance.now() : false;
          },
          undefined,
          { timeout: 20_000 },
        );
        visits.push(Math.round((await interactive.jsonValue()) as number));
        bytes = (await Promise.all(assets.values())).reduce((sum, size) => sum + size, 0);
        requests = assets.size;
        if (visit === 0) {
          // The sources of the oldest signatures come with the older events, just after.
          await page.locator('table.parties a[href^="https://treaties"]').nth(199).waitFor();
          await page.getByRole('button', { name: 'Show all 201 events' }).click();
          expect(await page.locator('#timeline > li').count()).toBe(201);
          console.log(`200 parties: ${await screenshot(page, 'agreement-200-parties')}`);
        }
        expect(problems).toEqual([]);
        await page.close();
      }
      const warm = [...visits.slice(1)].sort((a, b) => a - b)[1];
      console.log(
        `200-party agreement interactive after: first visit ${visits[0]} ms, then ${visits
          .slice(1)
          .join(', ')} ms (median ${warm} ms); the app's files: ${requests} requests, ` +
          `${(bytes / 1024).toFixed(1)} KB as sent (gzip)`,
      );
      expect(Math.max(...visits)).toBeLessThan(10_000);
      expect(bytes).toBeLessThan(60 * 1024);
    });
  },
);
