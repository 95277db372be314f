import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseFeed } from '@rowanmanning/feed-parser';
import Sqlite from 'better-sqlite3';
import { dialect } from './support/databases.js';
import { ADMIN_TOKEN, TestServer } from './support/server.js';

/** Atom feeds of the log, read by an independent feed parser (README, "Feeds"). */
describe('Atom feeds', () => {
  let server: TestServer;
  let sma11: string;

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { headers });
  const feed = async (path: string) => {
    const response = await get(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    return parseFeed(await response.text());
  };
  const advance = (action: string) =>
    server.ok(
      `mutation ($id: ID!, $action: WorkflowAction!) { advanceAgreement(input: { agreementId: $id, action: $action }) { stage } }`,
      { id: sma11, action },
    );

  beforeAll(async () => {
    server = await TestServer.start();
    const found = await server.ok(
      `query { agreements(search: "11th sma") { edges { node { id } } } }`,
    );
    sma11 = found.agreements.edges[0].node.id;
    await advance('SIGN');
    await advance('SUBMIT_FOR_APPROVAL');
    await server.ok(
      `mutation ($id: ID!) { recordApprovalStep(input: { agreementId: $id, partyCode: "KR", status: APPROVED, votesFor: 179, votesAgainst: 2, abstentions: 6, note: "Passed <after> a long & hard debate", sourceUrl: "https://example.org/kr-vote" }) { stage } }`,
      { id: sma11 },
    );
  });
  afterAll(() => server.dispose());

  it("gives an agreement's changes, newest first, each a sentence with its links", async () => {
    const parsed = await feed(`/feeds/agreements/${sma11}.atom`);
    expect(parsed.meta.type).toBe('atom');
    expect(parsed.title).toBe('Ratify: 11th SMA');
    expect(parsed.self).toBe(`${server.url}/feeds/agreements/${sma11}.atom`);
    const titles = parsed.items.map((item) => item.title);
    // The vote, then what it made the server do (newer, so above it).
    const vote = titles.indexOf(
      '11th SMA: the National Assembly of KR approved it, 179 for, 2 against, 6 abstaining.',
    );
    const ratified = titles.indexOf('11th SMA: parliamentary review → ratified (ratify).');
    expect(vote).toBeGreaterThan(ratified);
    expect(ratified).toBeGreaterThanOrEqual(0);
    expect(titles.slice(0, ratified)).toContain(
      '11th SMA: Republic of Korea (KR) consented to be bound.',
    );
    const approved = parsed.items[vote];
    expect(approved.url).toBe(`${server.url}/app/agreements/${sma11}/parties/KR`);
    expect(approved.content).toContain('Passed <after> a long & hard debate');
    expect(approved.content).toContain('Source: https://example.org/kr-vote');
    expect(approved.categories.map((category) => category.term)).toEqual(['APPROVAL_UPDATED']);
    expect(approved.authors.map((author) => author.name)).toEqual(['ADMIN_TOKEN']);
    expect(new Set(parsed.items.map((item) => item.id)).size).toBe(parsed.items.length);
    const times = parsed.items.map((item) => item.updated!.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('filters the whole log by agreement, party and type', async () => {
    const approvals = await feed(`/feeds/events.atom?partyCode=kr&type=APPROVAL_UPDATED`);
    expect(approvals.items.map((item) => item.title)).toEqual([
      '11th SMA: the National Assembly of KR approved it, 179 for, 2 against, 6 abstaining.',
    ]);
    expect(approvals.self).toBe(
      `${server.url}/feeds/events.atom?partyCode=KR&type=APPROVAL_UPDATED`,
    );
    const stages = await feed(
      `/feeds/events.atom?agreementId=${sma11}&type=STAGE_CHANGED,AGREEMENT_CREATED`,
    );
    expect(stages.items.length).toBeGreaterThan(3);
    expect(
      stages.items.every((item) =>
        ['STAGE_CHANGED', 'AGREEMENT_CREATED'].includes(item.categories[0].term),
      ),
    ).toBe(true);
    const everything = await feed('/feeds/events.atom');
    expect(everything.items.some((item) => item.title!.startsWith('10th SMA'))).toBe(true);
  });

  it('answers 304 to a reader holding the current version, and 200 after a change', async () => {
    const path = `/feeds/agreements/${sma11}.atom`;
    const first = await get(path);
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    await first.text();
    expect((await get(path, { 'if-none-match': etag })).status).toBe(304);
    expect((await get(path, { 'if-none-match': `W/${etag}` })).status).toBe(304);
    expect((await get(path, { 'if-modified-since': lastModified })).status).toBe(304);
    // A change elsewhere in the log leaves this feed as it is.
    const other = await server.ok(
      `query { agreements(search: "10th sma") { edges { node { id } } } }`,
    );
    await server.ok(
      `mutation ($id: ID!) { updateAgreement(input: { agreementId: $id, note: "elsewhere", summary: "Another summary" }) { version } }`,
      { id: other.agreements.edges[0].node.id },
    );
    expect((await get(path, { 'if-none-match': etag })).status).toBe(304);
    await server.ok(
      `mutation ($id: ID!) { updateAgreement(input: { agreementId: $id, summary: "A new summary" }) { version } }`,
      { id: sma11 },
    );
    const changed = await get(path, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(parseFeed(await changed.text()).items[0].title).toBe(
      '11th SMA: details updated (summary).',
    );
  });

  it('holds the newest 50 entries', async () => {
    const { createAgreement } = await server.ok(
      `mutation { createAgreement(input: { title: "A busy agreement", kind: TREATY, parties: [{ code: "FR", name: "France", approvalRequired: false }, { code: "DE", name: "Germany", approvalRequired: false }] }) { id } }`,
    );
    for (let i = 1; i <= 60; i++) {
      await server.ok(
        `mutation ($id: ID!, $summary: String!) { updateAgreement(input: { agreementId: $id, summary: $summary }) { version } }`,
        { id: createAgreement.id, summary: `Summary ${i}` },
      );
    }
    const parsed = await feed(`/feeds/agreements/${createAgreement.id}.atom`);
    expect(parsed.items).toHaveLength(50);
    expect(parsed.items[0].content).toMatch(/details updated \(summary\)/);
  });

  it.each([
    ['/feeds/events.atom?colour=red', 400, 'unknown parameter colour'],
    ['/feeds/events.atom?type=NOPE', 400, 'type must be one of AGREEMENT_CREATED'],
    ['/feeds/events.atom?partyCode=ZZ', 400, 'partyCode must be an ISO 3166-1 alpha-2'],
    ['/feeds/events.atom?partyCode=KR&partyCode=US', 400, 'partyCode must be given once'],
    ['/feeds/events.atom?agreementId=', 400, 'agreementId must be given once, and not empty'],
    [
      '/feeds/events.atom?agreementId=00000000-0000-4000-8000-000000000000',
      404,
      'There is no agreement',
    ],
    ['/feeds/agreements/00000000-0000-4000-8000-000000000000.atom', 404, 'There is no agreement'],
    ['/feeds/agreements/something.rss', 404, 'feeds end in .atom'],
  ])('refuses %s (%i), naming what is wrong', async (path, status, message) => {
    const response = await get(path);
    expect(response.status).toBe(status);
    expect(await response.text()).toContain(message);
  });

  it('needs a token where reads do (REQUIRE_AUTH_FOR_READS)', async () => {
    const closed = await TestServer.start({ env: { REQUIRE_AUTH_FOR_READS: 'true' } });
    try {
      expect((await fetch(`${closed.url}/feeds/events.atom`)).status).toBe(401);
      // Not even whether an agreement exists.
      for (const path of [
        '/feeds/agreements/00000000-0000-4000-8000-000000000000.atom',
        '/feeds/events.atom?agreementId=00000000-0000-4000-8000-000000000000',
        '/feeds/events.atom?type=NOPE',
      ]) {
        expect((await fetch(`${closed.url}${path}`)).status).toBe(401);
      }
      const allowed = await fetch(`${closed.url}/feeds/events.atom`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(allowed.status).toBe(200);
      expect(parseFeed(await allowed.text()).items.length).toBeGreaterThan(0);
    } finally {
      await closed.dispose();
    }
  });

  // The cost of a feed does not grow with the log: each filter reads from an index, newest first.
  (dialect === 'sqlite' ? it : it.skip)('reads each filter from an index (SQLite plans)', () => {
    const database = new Sqlite(server.database.url.replace(/^sqlite:/, ''), { readonly: true });
    try {
      const plan = (where: string) =>
        database
          .prepare(
            `EXPLAIN QUERY PLAN SELECT * FROM "agreement_event" WHERE 1 = 1 AND ${where} AND "sequence" > 0 ORDER BY "sequence" DESC LIMIT 51`,
          )
          .all('x')
          .map((row: any) => row.detail as string)
          .join('; ');
      expect(plan('"partyCode" = ?')).toContain('USING INDEX IDX_agreement_event_party');
      expect(plan('"type" IN (?)')).toContain('USING INDEX IDX_agreement_event_type');
      expect(plan('"agreementId" = ?')).toContain('USING INDEX IDX_agreement_event_agreement');
      for (const where of ['"partyCode" = ?', '"type" IN (?)', '"agreementId" = ?']) {
        expect(plan(where)).not.toMatch(/TEMP B-TREE|SCAN agreement_event$/);
      }
    } finally {
      database.close();
    }
  });
});
