import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { parse } from 'graphql';
import type { Browser, Page } from 'playwright-core';
import { measureOperation } from '../../src/common/query-limits.js';
import { loadConfig } from '../../src/config/config.js';
import { AGREEMENT_PAGE, AGREEMENT_REFRESH, PROCEDURE_STEPS } from '../../web/src/operations.js';
import { AgreementFactory, DUMA, NEW_START } from '../factories/agreement.factory.js';
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

/**
 * Each party's domestic procedure in the web app (docs/design.md §7 and §9): its bodies in order,
 * its steps with their body, tally or referendum figures and source, live.
 */

const STEP = `mutation ($input: RecordApprovalStepInput!) { recordApprovalStep(input: $input) { stage } }`;

/** Under THRESHOLD a party's no does not reject the agreement: Ireland may try again. */
const LISBON = {
  title: 'Treaty of Lisbon',
  shortTitle: 'Lisbon',
  stage: 'PARLIAMENTARY_REVIEW',
  stageEnteredAt: '2008-01-01T00:00:00.000Z',
  entryIntoForce: { kind: 'THRESHOLD', instruments: 3, daysAfter: 0, monthStart: true },
  parties: [
    { code: 'FR', name: 'France', legislature: 'Parliament', approvalRequired: true },
    { code: 'IE', name: 'Ireland', approvalRequired: true, bodies: ['Oireachtas', 'Electorate'] },
    { code: 'NL', name: 'Netherlands', approvalRequired: true, bodies: ['Electorate'] },
  ],
};

describe('the agreement page’s query', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
  });
  afterAll(() => server.dispose());

  it('stays well within the server’s cost limit with each party’s newest steps', () => {
    // An agreement's parties count as 250 and each party's procedure(last: n) as n: the page
    // asks for a few steps, and leaves room for the fields the API will grow.
    const { schema } = server.app.get(GraphQLSchemaHost);
    const { maxCost } = loadConfig({ DATABASE_URL: server.database.url, ADMIN_TOKEN }).limits;
    for (const [name, text] of [
      ['AgreementPage', AGREEMENT_PAGE],
      ['AgreementRefresh', AGREEMENT_REFRESH],
    ]) {
      const size = measureOperation(schema, parse(text), name, { id: 'x' })!;
      console.log(`${name}: cost ${size.cost} of ${maxCost}, depth ${size.depth}`);
      expect(size.cost).toBeLessThan(maxCost * 0.75);
    }
    expect(PROCEDURE_STEPS).toBeGreaterThanOrEqual(8); // two chambers, four steps each
  });
});

(inBrowser ? describe : describe.skip)(
  inBrowser
    ? 'each party’s procedure in the web app'
    : `each party’s procedure in the web app: skipped ${hasBrowser ? '(it runs in the sqlite project)' : BROWSER_SKIPPED_BECAUSE}`,
  () => {
    let server: TestServer;
    let browser: Browser;

    beforeAll(async () => {
      server = await TestServer.start({ seedDemo: false });
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.dispose();
    });

    async function open(path: string) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.setDefaultTimeout(10_000);
      const problems = await watchPage(page, server.url);
      await page.goto(`${server.url}${path}`);
      await page.locator('.status .live.on').waitFor();
      // Set once: still there at the end, the page was never loaded again.
      await page.evaluate(() => ((globalThis as any).notReloaded = true));
      return { page, problems };
    }
    const notReloaded = (page: Page) => page.evaluate(() => (globalThis as any).notReloaded);
    const step = (input: Record<string, unknown>) => server.ok(STEP, { input });
    /** The texts of the elements `selector` finds, their spaces as a reader sees them. */
    const texts = (page: Page, selector: string) =>
      page
        .locator(selector)
        .evaluateAll((elements) =>
          elements.map((element) => (element as any).innerText.replace(/\s+/g, ' ').trim()),
        );
    /** The steps of a party's procedure, as the page shows them (oldest first). */
    const shownSteps = (page: Page, code: string) => texts(page, `#procedure-${code} .steps > li`);

    /** Waits for the highlight of new rows to fade, and saves what the reader sees. */
    const settled = async (page: Page, name: string) => {
      await page.evaluate(() =>
        Promise.all(
          (globalThis as any).document
            .getAnimations()
            .map((a: { finished: unknown }) => a.finished),
        ),
      );
      return screenshot(page, name);
    };

    it('shows a bicameral party’s procedure, each step the moment it is recorded, with body and tally', async () => {
      const { id } = await AgreementFactory.create(server, NEW_START);
      const { page, problems } = await open(`/app/agreements/${id}`);
      const section = page.locator('section', { has: page.locator('#procedures-heading') });
      await section
        .getByText('No step recorded yet for United States, Russian Federation.')
        .waitFor();
      // The table names RU's bodies in order, the one holding it now said in words.
      expect(await texts(page, '#party-RU ol.bodies > li')).toEqual([
        'State Duma now: pending',
        'Federation Council',
      ]);
      expect(
        await page.locator('#party-RU ol.bodies > li').first().getAttribute('aria-current'),
      ).toBe('step');

      await step({
        agreementId: id,
        partyCode: 'RU',
        status: 'SUBMITTED',
        occurredAt: '2010-12-22T00:00:00.000Z',
      });
      await page.locator('#procedure-RU .steps > li').waitFor();
      expect(await shownSteps(page, 'RU')).toEqual([
        expect.stringMatching(/^Dec 22, 2010 State Duma — Vote: submitted$/),
      ]);

      await step({
        agreementId: id,
        partyCode: 'RU',
        body: 'State Duma',
        status: 'APPROVED',
        votesFor: 350,
        votesAgainst: 58,
        abstentions: 2,
        occurredAt: '2011-01-25T00:00:00.000Z',
        note: 'Third reading.',
        sourceUrl: DUMA,
      });
      const duma = page.locator('#procedure-RU .steps > li.fresh', {
        hasText: 'State Duma — Vote: approved, 350 for, 58 against, 2 abstaining',
      });
      await duma.waitFor();
      expect(await duma.innerText()).toContain('Third reading.');
      expect(await duma.locator('a.source').getAttribute('href')).toBe(DUMA);
      await page
        .locator('#timeline > li.fresh', {
          hasText: 'The State Duma of RU approved it, 350 for, 58 against, 2 abstaining.',
        })
        .waitFor();
      expect(await page.locator('.announcer').innerText()).toBe(
        'The State Duma of RU approved it, 350 for, 58 against, 2 abstaining.',
      );
      // Passed on: the party is SUBMITTED, now at the Federation Council.
      await page
        .locator('#procedure-RU ol.bodies > li[aria-current="step"]', {
          hasText: 'Federation Council now: submitted',
        })
        .waitFor();
      expect(await texts(page, '#procedure-RU ol.bodies > li')).toEqual([
        'State Duma approved',
        'Federation Council now: submitted',
      ]);
      expect(await page.locator('#party-RU td').nth(6).innerText()).toMatch(
        /^Submitted\s+State Duma approved\s+Federation Council now: submitted\s+source$/,
      );

      await step({
        agreementId: id,
        partyCode: 'US',
        status: 'APPROVED',
        votesFor: 71,
        votesAgainst: 26,
        occurredAt: '2010-12-22T00:00:00.000Z',
      });
      await page.locator('#procedure-US .steps > li', { hasText: 'Senate' }).waitFor();
      await step({
        agreementId: id,
        partyCode: 'RU',
        status: 'APPROVED',
        votesFor: 137,
        votesAgainst: 0,
        abstentions: 0,
        occurredAt: '2011-01-26T00:00:00.000Z',
      });
      await page.locator('.facts .badge', { hasText: 'Ratified' }).waitFor();
      await page.locator('#procedure-RU .steps > li', { hasText: 'Federation Council' }).waitFor();
      expect(await shownSteps(page, 'RU')).toEqual([
        'Dec 22, 2010 State Duma — Vote: submitted',
        'Jan 25, 2011 State Duma — Vote: approved, 350 for, 58 against, 2 abstaining Third reading. source',
        'Jan 26, 2011 Federation Council — Vote: approved, 137 for, 0 against, 0 abstaining',
      ]);
      expect(await shownSteps(page, 'US')).toEqual([
        'Dec 22, 2010 Senate — Vote: approved, 71 for, 26 against',
      ]);
      expect(await texts(page, '#procedure-RU ol.bodies > li')).toEqual([
        'State Duma approved',
        'Federation Council approved',
      ]);
      expect(await texts(page, '#procedures-heading ~ .procedure h3')).toEqual([
        'United States US',
        'Russian Federation RU',
      ]);
      await page.locator('#parties-heading').evaluate((heading) => heading.scrollIntoView());
      console.log(`A bicameral procedure, live: ${await settled(page, 'procedure-bicameral')}`);
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await notReloaded(page)).toBe(true);
      expect(problems).toEqual([]);
    });

    it('shows a referendum’s figures, an advisory one, and a second attempt, on the party’s own view', async () => {
      const { id } = await AgreementFactory.create(server, LISBON);
      const ireland = await open(`/app/agreements/${id}/parties/IE`);
      const agreement = await open(`/app/agreements/${id}`);
      await ireland.page.getByRole('heading', { name: 'Its procedure' }).waitFor();
      await ireland.page.locator('#procedure-IE').getByText('No step recorded yet.').waitFor();

      await step({
        agreementId: id,
        partyCode: 'IE',
        status: 'APPROVED',
        occurredAt: '2008-05-01T00:00:00.000Z',
      });
      await step({
        agreementId: id,
        partyCode: 'IE',
        kind: 'REFERENDUM',
        status: 'REJECTED',
        yesPercent: 46.6,
        turnoutPercent: 53.1,
        occurredAt: '2008-06-12T00:00:00.000Z',
        sourceUrl: 'https://www.referendum.ie/lisbon-2008',
      });
      await step({
        agreementId: id,
        partyCode: 'NL',
        kind: 'REFERENDUM',
        status: 'REJECTED',
        yesPercent: 38.5,
        turnoutPercent: 63.3,
        binding: false,
        occurredAt: '2008-06-01T00:00:00.000Z',
      });
      for (const { page } of [ireland, agreement]) {
        await page
          .locator('#procedure-IE .steps > li', {
            hasText: 'Electorate — Referendum: rejected, 46.6% yes, turnout 53.1%',
          })
          .waitFor();
      }
      await agreement.page
        .locator('#procedure-NL .steps > li', {
          hasText: 'Electorate — Advisory referendum: rejected, 38.5% yes, turnout 63.3%',
        })
        .waitFor();
      // An advisory referendum moves no track: the Netherlands is still pending at its electorate.
      expect(await agreement.page.locator('#party-NL td').nth(6).innerText()).toMatch(
        /^Pending\s+Electorate$/,
      );
      await agreement.page
        .locator('#timeline > li', {
          hasText: 'The advisory referendum in Netherlands rejected it, 38.5% yes, turnout 63.3%.',
        })
        .waitFor();
      await ireland.page
        .locator('#procedure-IE ol.bodies > li[aria-current="step"]', {
          hasText: 'Electorate now: rejected',
        })
        .waitFor();

      // The second referendum: a new attempt, and the steps grouped by attempt.
      await step({
        agreementId: id,
        partyCode: 'IE',
        kind: 'REFERENDUM',
        status: 'APPROVED',
        yesPercent: 67.1,
        turnoutPercent: 59,
        binding: true,
        occurredAt: '2009-10-02T00:00:00.000Z',
        note: 'Second referendum, after guarantees on neutrality and taxation.',
      });
      const { page, problems } = ireland;
      await page.getByRole('heading', { level: 4, name: 'Attempt 2' }).waitFor();
      expect(await texts(page, '#procedure-IE h4')).toEqual(['Attempt 1', 'Attempt 2']);
      const attempts = page.locator('#procedure-IE ol.steps');
      expect(await attempts.count()).toBe(2);
      expect(await texts(page, '#procedure-IE h4:nth-of-type(1) + ol.steps > li')).toEqual([
        'May 1, 2008 Oireachtas — Vote: approved',
        'Jun 12, 2008 Electorate — Referendum: rejected, 46.6% yes, turnout 53.1% source',
      ]);
      expect(await texts(page, '#procedure-IE h4:nth-of-type(2) + ol.steps > li')).toEqual([
        'Oct 2, 2009 Electorate — Referendum: approved, 67.1% yes, turnout 59% Second referendum, after guarantees on neutrality and taxation.',
      ]);
      expect(await page.locator('#party-IE td').nth(6).innerText()).toMatch(
        /^Approved\s+attempt 2\s+Oireachtas approved\s+Electorate approved$/,
      );
      await page
        .locator('#party-events > li', {
          hasText: 'The referendum in Ireland approved it, 67.1% yes, turnout 59% (attempt 2).',
        })
        .waitFor();
      await page.locator('#procedure-IE').scrollIntoViewIfNeeded();
      console.log(`A referendum, two attempts: ${await settled(page, 'procedure-referendum')}`);
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await notReloaded(page)).toBe(true);
      expect(await notReloaded(agreement.page)).toBe(true);
      expect([...problems, ...agreement.problems]).toEqual([]);
    });

    it('lets an editor record a step of a body and kind: a referendum’s figures, a refusal as the API words it', async () => {
      const { id } = await AgreementFactory.create(server, NEW_START);
      const { page, problems } = await open(`/app/agreements/${id}`);
      await page.getByText('Sign in to record changes').click();
      await page.getByLabel('API token').fill(ADMIN_TOKEN);
      await page.getByRole('button', { name: 'Use token' }).click();
      await page.getByText('Signed in as ADMIN_TOKEN (Admin)').waitFor();
      await page.locator('.status .live.on').waitFor();

      // The Federation Council before the State Duma has approved: refused, and said.
      await page.locator('#party-RU').getByRole('button', { name: 'Approval: submitted…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Russian Federation: approval submitted' });
      expect(await dialog.getByLabel('Body').inputValue()).toBe('State Duma');
      expect(await texts(page, '#record-dialog select[name="kind"] option')).toEqual([
        'Vote',
        'Referendum',
        'Executive decision',
        'Court review',
        'Promulgation',
      ]);
      await dialog.getByLabel('Body').selectOption('Federation Council');
      await dialog.getByRole('button', { name: 'Record' }).click();
      await dialog
        .getByRole('alert')
        .filter({ hasText: /State Duma has not approved it yet/ })
        .waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();

      // A vote shows the tally's fields; a referendum its figures instead, and whether it binds.
      await page.locator('#party-RU').getByRole('button', { name: 'Approval: approved…' }).click();
      const approve = page.getByRole('dialog', { name: 'Russian Federation: approval approved' });
      await approve.getByLabel('For').waitFor();
      await approve.getByLabel('Kind of step').selectOption('REFERENDUM');
      await approve.getByLabel('Yes (% of valid votes)').fill('52.25');
      await approve.getByLabel('Turnout (%)').fill('41');
      expect(await approve.getByLabel('For').count()).toBe(0);
      await approve.getByLabel(/Binding/).uncheck();
      await approve.getByLabel('Source (a link to the report)').fill('https://example.org/vote');
      console.log(
        `A referendum, before it is recorded: ${await screenshot(page, 'procedure-dialog')}`,
      );
      expect(await accessibilityViolations(page)).toEqual([]);
      await approve.getByRole('button', { name: 'Record' }).click();
      await approve.waitFor({ state: 'hidden' });
      const recorded = page.locator('#procedure-RU .steps > li', {
        hasText: 'State Duma — Advisory referendum: approved, 52.25% yes, turnout 41%',
      });
      await recorded.waitFor();
      expect(await recorded.locator('a.source').getAttribute('href')).toBe(
        'https://example.org/vote',
      );
      const { agreement } = await server.ok(
        `query ($id: ID!) { agreement(id: $id) { parties { code approvalStatus procedure { body kind binding yesPercent turnoutPercent } } } }`,
        { id },
      );
      expect(agreement.parties.find((p: any) => p.code === 'RU')).toEqual({
        code: 'RU',
        approvalStatus: 'PENDING',
        procedure: [
          {
            body: 'State Duma',
            kind: 'REFERENDUM',
            binding: false,
            yesPercent: 52.25,
            turnoutPercent: 41,
          },
        ],
      });
      expect(problems).toEqual([]);
    });
  },
);
