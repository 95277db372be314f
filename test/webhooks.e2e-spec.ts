import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { Clock } from '../src/common/clock.js';
import { WebhookDispatcher } from '../src/webhooks/webhook-dispatcher.service.js';
import { AgreementFactory } from './factories/agreement.factory.js';
import { Receiver } from './support/receiver.js';
import { freePort } from '../bench/lib/processes.js';
import { TestServer, waitUntil } from './support/server.js';

const CREATE = `mutation ($input: CreateWebhookInput!) {
  createWebhook(input: $input) { secret webhook { id url enabled position eventTypes agreementId partyCode createdBy } }
}`;
const WEBHOOK = `query ($id: ID!) {
  webhook(id: $id) {
    id enabled disabledAt disabledReason position failures failingSince nextAttemptAt lastError lastDeliveredAt
    deliveries(first: 100) { id sequence eventType messageId attempt redelivery statusCode succeeded error durationMs nextAttemptAt }
  }
}`;
const UPDATE = `mutation ($input: UpdateWebhookInput!) { updateWebhook(input: $input) { id enabled disabledReason url eventTypes } }`;
const SUMMARY = `mutation ($id: ID!, $summary: String!) { updateAgreement(input: { agreementId: $id, summary: $summary }) { version } }`;

/** Writes `count` events (DETAILS_UPDATED) on an agreement; returns their sequences. */
async function writeEvents(server: TestServer, agreementId: string, count: number) {
  const before = (await server.ok(`{ events(last: 1) { edges { node { sequence } } } }`)).events
    .edges[0].node.sequence as number;
  for (let i = 0; i < count; i += 1) {
    await server.ok(SUMMARY, { id: agreementId, summary: `Revision ${i} ${Math.random()}` });
  }
  return Array.from({ length: count }, (_, i) => before + i + 1);
}

describe('webhooks', () => {
  let server: TestServer;
  let agreementId: string;
  const receivers: Receiver[] = [];
  let offsetMs = 0;

  beforeAll(async () => {
    server = await TestServer.start({
      seedDemo: false,
      env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '500' },
    });
    // The specs move the clock the retries and the failure window read, and only that one.
    const clock = server.app.get(Clock);
    jest.spyOn(clock, 'now').mockImplementation(() => new Date(Date.now() + offsetMs));
    agreementId = (await AgreementFactory.create(server)).id as string;
  });
  afterEach(async () => {
    offsetMs = 0;
    for (const { id } of (await server.ok(`{ webhooks { id } }`)).webhooks as { id: string }[]) {
      await server.ok(`mutation ($id: ID!) { deleteWebhook(id: $id) { id } }`, { id });
    }
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  });
  afterAll(() => server.dispose());

  async function receiver(): Promise<Receiver> {
    const started = await Receiver.start();
    receivers.push(started);
    return started;
  }

  async function create(input: Record<string, unknown>) {
    return (await server.ok(CREATE, { input })).createWebhook as {
      secret: string;
      webhook: { id: string; position: number };
    };
  }

  const webhook = async (id: string) => (await server.ok(WEBHOOK, { id })).webhook;
  /** Lets the next pass run now rather than at the next poll. */
  const wake = () => server.app.get(WebhookDispatcher).wake({ claim: true });

  it('POSTs each event after it was created, signed so that the standardwebhooks package verifies it', async () => {
    const target = await receiver();
    const before = await writeEvents(server, agreementId, 1);
    const { secret, webhook: created } = await create({ url: target.url, description: 'Desk' });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.position).toBe(before[0]);
    const sequences = await writeEvents(server, agreementId, 3);
    await waitUntil(() => target.received.length >= 3);
    expect(target.sequences()).toEqual(sequences);
    const verifier = new Webhook(secret);
    for (const request of target.received) {
      const verified = verifier.verify(request.body, request.headers as Record<string, string>);
      expect(verified).toEqual(request.json);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['webhook-id']).toBe(
        `msg_${request.json.data.sequence}_${created.id.replace(/-/g, '')}`,
      );
    }
    // A body changed in transit, or another secret, fails verification.
    const [first] = target.received;
    expect(() =>
      verifier.verify(
        first.body.replace('"type"', '"tipe"'),
        first.headers as Record<string, string>,
      ),
    ).toThrow();
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(
        first.body,
        first.headers as Record<string, string>,
      ),
    ).toThrow();
    // The event as the API shows it, with its agreement and a sentence.
    const [shown] = (
      await server.ok(
        `query ($id: ID!) { agreement(id: $id) { timeline(last: 3) { edges { node {
        cursor sequence agreementId type action fromStage toStage partyCode approvalStatus votesFor
        votesAgainst abstentions body stepKind yesPercent turnoutPercent binding partyApprovalStatus attempt partyAction partyStatus consentMeans reference occurredAt
        recordedAt actor note sourceUrl changedFields } } } } }`,
        { id: agreementId },
      )
    ).agreement.timeline.edges.map((edge: { node: unknown }) => edge.node);
    expect(first.json).toEqual({
      type: 'DETAILS_UPDATED',
      timestamp: (shown as { recordedAt: string }).recordedAt,
      data: {
        ...(shown as object),
        text: expect.stringContaining('details updated (summary)'),
        agreement: {
          id: agreementId,
          title: expect.any(String),
          shortTitle: null,
          stage: 'NEGOTIATION',
        },
        party: null,
      },
    });
    await waitUntil(async () => (await webhook(created.id)).deliveries.length === 3);
    const { deliveries, position, lastDeliveredAt } = await webhook(created.id);
    expect(position).toBe(sequences[2]);
    expect(lastDeliveredAt).not.toBeNull();
    expect(deliveries.map((delivery: { sequence: number }) => delivery.sequence)).toEqual(
      [...sequences].reverse(),
    );
    expect(deliveries[0]).toMatchObject({
      attempt: 1,
      statusCode: 204,
      succeeded: true,
      error: null,
      redelivery: false,
      eventType: 'DETAILS_UPDATED',
      messageId: target.received[2].headers['webhook-id'],
    });
  });

  it('reaches the receiver of the README, which verifies it and refuses a forgery', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('### Webhooks'));
    const code = /```js\n([\s\S]*?)```/.exec(section)![1];
    // Beside node_modules, where its import of standardwebhooks is found.
    mkdirSync('dist', { recursive: true });
    writeFileSync('dist/readme-receiver.mjs', code);
    const port = await freePort();
    const { secret } = await create({ url: `http://127.0.0.1:${port}/` });
    const child = spawn(process.execPath, ['dist/readme-receiver.mjs'], {
      env: { PATH: process.env.PATH, PORT: String(port), RATIFY_WEBHOOK_SECRET: secret },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitUntil(() =>
        fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' }).then(
          (response) => response.status === 400,
          () => false,
        ),
      );
      const [sequence] = await writeEvents(server, agreementId, 1);
      await waitUntil(() => output.includes('\n'));
      expect(output).toMatch(
        new RegExp(`^DETAILS_UPDATED ${sequence} .*: details updated \\(summary\\)\\.\n$`),
      );
    } finally {
      child.kill();
    }
  });

  it('sends only what the filter asks for: event types, an agreement, a party', async () => {
    const byType = await receiver();
    const byParty = await receiver();
    const byAgreement = await receiver();
    const other = (await AgreementFactory.create(server, { stage: 'PARLIAMENTARY_REVIEW' }))
      .id as string;
    await create({ url: byType.url, eventTypes: ['APPROVAL_UPDATED'] });
    await create({ url: byParty.url, partyCode: 'kr', agreementId: other });
    await create({ url: byAgreement.url, agreementId });
    await writeEvents(server, agreementId, 2);
    await server.ok(
      `mutation ($id: ID!) { recordApprovalStep(input: { agreementId: $id, partyCode: "KR", status: SUBMITTED }) { version } }`,
      { id: other },
    );
    await waitUntil(
      () =>
        byType.received.length >= 1 &&
        byParty.received.length >= 1 &&
        byAgreement.received.length >= 2,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(byType.received.map((request) => request.json.type)).toEqual(['APPROVAL_UPDATED']);
    expect(byType.received[0].json.data).toMatchObject({
      partyCode: 'KR',
      approvalStatus: 'SUBMITTED',
      party: { code: 'KR', name: 'Republic of Korea', legislature: 'National Assembly' },
      text: expect.stringContaining('the National Assembly of KR received it for approval'),
    });
    expect(byParty.received.map((request) => request.json.data.partyCode)).toEqual(['KR']);
    expect(byAgreement.received.map((request) => request.json.data.agreementId)).toEqual([
      agreementId,
      agreementId,
    ]);
  });

  it('holds later events back while a receiver fails, retries with the same webhook-id, and resumes in order', async () => {
    const target = await receiver();
    let failures = 2;
    target.behaviour = (response) => {
      if (failures > 0) {
        failures -= 1;
        response.writeHead(500).end('down for maintenance');
      } else {
        response.writeHead(200).end('ok');
      }
    };
    const { webhook: created } = await create({ url: target.url });
    const sequences = await writeEvents(server, agreementId, 3);
    await waitUntil(async () => (await webhook(created.id)).failures === 1);
    const failing = await webhook(created.id);
    expect(failing.lastError).toBe('HTTP 500');
    expect(failing.failingSince).not.toBeNull();
    // About 5 s later, give or take a fifth.
    const wait = Date.parse(failing.nextAttemptAt) - Date.parse(failing.failingSince);
    expect(wait).toBeGreaterThanOrEqual(4000);
    expect(wait).toBeLessThanOrEqual(6000);
    expect(target.received).toHaveLength(1); // nothing after the failed event, meanwhile
    offsetMs += 6_000;
    wake();
    await waitUntil(async () => (await webhook(created.id)).failures === 2);
    const again = await webhook(created.id);
    const secondWait = Date.parse(again.nextAttemptAt) - (Date.now() + offsetMs);
    expect(secondWait).toBeGreaterThan(20_000); // about 30 s
    expect(secondWait).toBeLessThanOrEqual(36_000);
    offsetMs += 40_000;
    wake();
    await waitUntil(() => target.received.length >= 5);
    expect(target.sequences()).toEqual([sequences[0], sequences[0], ...sequences]);
    const ids = target.received.slice(0, 3).map((request) => request.headers['webhook-id']);
    expect(new Set(ids).size).toBe(1);
    await waitUntil(async () => (await webhook(created.id)).position === sequences[2]);
    const recovered = await webhook(created.id);
    expect(recovered).toMatchObject({ failures: 0, failingSince: null, lastError: null });
    expect(
      recovered.deliveries
        .reverse()
        .map((delivery: any) => [delivery.sequence, delivery.attempt, delivery.statusCode]),
    ).toEqual([
      [sequences[0], 1, 500],
      [sequences[0], 2, 500],
      [sequences[0], 3, 200],
      [sequences[1], 1, 200],
      [sequences[2], 1, 200],
    ]);
  });

  it('disables a webhook failing for three days, saying why, and an admin resumes it where it stopped', async () => {
    const target = await receiver();
    target.behaviour = (response) => response.writeHead(503).end();
    const { webhook: created } = await create({ url: target.url });
    const [first] = await writeEvents(server, agreementId, 1);
    await waitUntil(async () => (await webhook(created.id)).failures === 1);
    offsetMs += 3 * 24 * 60 * 60_000 - 60_000; // a minute short of three days
    wake();
    await waitUntil(async () => (await webhook(created.id)).failures === 2);
    expect((await webhook(created.id)).enabled).toBe(true);
    offsetMs += 6 * 60 * 60_000; // the next retry, past three days
    wake();
    await waitUntil(async () => !(await webhook(created.id)).enabled);
    const disabled = await webhook(created.id);
    expect(disabled.disabledReason).toMatch(/^Failing since .*; the last attempt: HTTP 503\./);
    expect(disabled.disabledAt).not.toBeNull();
    // Nothing is sent while it is disabled, and nothing is lost.
    const [second] = await writeEvents(server, agreementId, 1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(target.received).toHaveLength(3);
    target.behaviour = (response) => response.writeHead(204).end();
    const enabled = (await server.ok(UPDATE, { input: { id: created.id, enabled: true } }))
      .updateWebhook;
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null });
    await waitUntil(() => target.received.length >= 5);
    expect(target.sequences()).toEqual([first, first, first, first, second]);
  });

  it('records a receiver that hangs, hangs up, redirects, or answers at length, and delivers to the others meanwhile', async () => {
    const hangs = await receiver();
    hangs.behaviour = () => undefined;
    const hangsUp = await receiver();
    hangsUp.behaviour = (response) => response.socket?.destroy();
    const redirects = await receiver();
    redirects.behaviour = (response) =>
      response.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    const talks = await receiver();
    talks.behaviour = (response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('x'.repeat(5_000_000));
    };
    const fine = await receiver();
    const created = new Map<Receiver, string>();
    for (const target of [hangs, hangsUp, redirects, talks, fine]) {
      created.set(target, (await create({ url: target.url })).webhook.id);
    }
    const started = Date.now();
    const sequences = await writeEvents(server, agreementId, 3);
    await waitUntil(() => fine.received.length >= 3 && talks.received.length >= 3);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(fine.sequences()).toEqual(sequences);
    const last = async (target: Receiver) => {
      let delivery: any;
      await waitUntil(async () => {
        [delivery] = (await webhook(created.get(target)!)).deliveries;
        return delivery !== undefined;
      });
      return delivery;
    };
    expect(await last(hangs)).toMatchObject({
      statusCode: null,
      succeeded: false,
      error: 'no answer within 500 ms',
    });
    expect((await last(hangs)).durationMs).toBeGreaterThanOrEqual(450);
    expect(await last(hangsUp)).toMatchObject({
      statusCode: null,
      succeeded: false,
      error: 'the receiver closed the connection',
    });
    expect(await last(redirects)).toMatchObject({
      statusCode: 301,
      succeeded: false,
      error:
        'HTTP 301: redirect to http://169.254.169.254/latest/meta-data/ not followed; give the webhook its final URL',
    });
    expect(redirects.received).toHaveLength(1); // and nothing went to where it pointed
    expect(await last(talks)).toMatchObject({ statusCode: 200, succeeded: true, error: null });
  });

  it('sends an event again on request, with its webhook-id, and refuses one it was never sent', async () => {
    const target = await receiver();
    const { webhook: created } = await create({ url: target.url });
    const [sequence, later] = await writeEvents(server, agreementId, 2);
    await waitUntil(async () => (await webhook(created.id)).position === later);
    const REDELIVER = `mutation ($id: ID!, $sequence: Int!) { redeliver(webhookId: $id, sequence: $sequence) { id sequence attempt redelivery statusCode succeeded messageId } }`;
    const again = (await server.ok(REDELIVER, { id: created.id, sequence })).redeliver;
    expect(again).toMatchObject({ sequence, redelivery: true, statusCode: 204, succeeded: true });
    expect(target.received).toHaveLength(3);
    expect(target.received[2].headers['webhook-id']).toBe(target.received[0].headers['webhook-id']);
    expect(again.messageId).toBe(target.received[0].headers['webhook-id']);
    const refused = async (value: number) => {
      const result = await server.gql(REDELIVER, { id: created.id, sequence: value });
      expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      return (result.errors?.[0].extensions?.fields as Record<string, string>).sequence;
    };
    expect(await refused(later + 1000)).toBe(`there is no event ${later + 1000} in the log`);
    const filtered = (await create({ url: target.url, eventTypes: ['STAGE_CHANGED'] })).webhook.id;
    const notMatching = await server.gql(REDELIVER, { id: filtered, sequence });
    expect(notMatching.errors?.[0].extensions?.fields).toEqual({
      sequence: `event ${sequence} does not match this webhook's filter, so it was never sent`,
    });
    const editor = (
      await server.ok(`mutation { createApiToken(name: "hooks-editor", role: EDITOR) { token } }`)
    ).createApiToken.token as string;
    const forbidden = await server.gql(REDELIVER, { id: created.id, sequence }, editor);
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(target.received).toHaveLength(3);
  });

  it('rotates the secret: both signatures for a day, so that a receiver switches without a gap', async () => {
    const target = await receiver();
    const { secret: old, webhook: created } = await create({ url: target.url });
    const rotated = (
      await server.ok(
        `mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret webhook { id } } }`,
        {
          id: created.id,
        },
      )
    ).rotateWebhookSecret;
    expect(rotated.secret).not.toBe(old);
    await writeEvents(server, agreementId, 1);
    await waitUntil(() => target.received.length >= 1);
    const [request] = target.received;
    expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [rotated.secret, old]) {
      expect(
        new Webhook(secret).verify(request.body, request.headers as Record<string, string>),
      ).toEqual(request.json);
    }
    offsetMs += 24 * 60 * 60_000 + 1000;
    await writeEvents(server, agreementId, 1);
    await waitUntil(() => target.received.length >= 2);
    const next = target.received[1];
    expect(String(next.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() =>
      new Webhook(old).verify(next.body, next.headers as Record<string, string>),
    ).toThrow();
  });

  it('stops when disabled or deleted, and changes its URL and filter on the next event', async () => {
    const first = await receiver();
    const second = await receiver();
    const { webhook: created } = await create({ url: first.url });
    await writeEvents(server, agreementId, 1);
    await waitUntil(() => first.received.length >= 1);
    await server.ok(UPDATE, {
      input: { id: created.id, url: second.url, eventTypes: ['DETAILS_UPDATED'] },
    });
    await writeEvents(server, agreementId, 1);
    await waitUntil(() => second.received.length >= 1);
    expect(first.received).toHaveLength(1);
    const paused = (await server.ok(UPDATE, { input: { id: created.id, enabled: false } }))
      .updateWebhook;
    expect(paused).toMatchObject({ enabled: false, disabledReason: 'Disabled by ADMIN_TOKEN.' });
    await writeEvents(server, agreementId, 1);
    await server.ok(`mutation ($id: ID!) { deleteWebhook(id: $id) { id } }`, { id: created.id });
    await writeEvents(server, agreementId, 1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(second.received).toHaveLength(1);
    expect((await server.ok(`{ webhooks { id } }`)).webhooks).toEqual([]);
  });
});

describe('webhooks: bad input', () => {
  let server: TestServer;
  let agreementId: string;

  beforeAll(async () => {
    // The default: private addresses refused.
    server = await TestServer.start({ seedDemo: false });
    agreementId = (await AgreementFactory.create(server)).id as string;
  });
  afterAll(() => server.dispose());

  const refusal = async (input: Record<string, unknown>) => {
    const result = await server.gql(CREATE, { input });
    expect(result.data ?? null).toBeNull();
    return result.errors?.[0].extensions;
  };

  it.each([
    ['ftp://example.org/hooks', 'url must use http or https, not ftp'],
    ['javascript:alert(1)', 'url must use http or https, not javascript'],
    [
      'not a url',
      'url must be an absolute http:// or https:// URL, e.g. https://example.org/hooks/ratify',
    ],
    [
      'https://user:pass@example.org/hooks',
      'url must not carry a user name or password: receivers check the signature instead',
    ],
    ['https://example.org/hooks#top', 'url must not have a fragment (#…): it is never sent'],
    [
      'http://127.0.0.1:8080/hooks',
      '127.0.0.1 is a loopback address: webhooks reach only public addresses (WEBHOOK_ALLOW_PRIVATE=true allows private ones)',
    ],
    [
      'http://localhost/hooks',
      'localhost resolves to 127.0.0.1, a loopback address: webhooks reach only public addresses (WEBHOOK_ALLOW_PRIVATE=true allows private ones)',
    ],
    [
      'http://[::1]/hooks',
      '::1 is a loopback address: webhooks reach only public addresses (WEBHOOK_ALLOW_PRIVATE=true allows private ones)',
    ],
    [
      'http://[::ffff:10.0.0.1]/hooks',
      '::ffff:a00:1 is a private address: webhooks reach only public addresses (WEBHOOK_ALLOW_PRIVATE=true allows private ones)',
    ],
    [
      'http://169.254.169.254/latest/meta-data/',
      '169.254.169.254 is a link-local address: webhooks reach only public addresses (WEBHOOK_ALLOW_PRIVATE=true allows private ones)',
    ],
    [
      'http://192.168.1.10/hooks',
      '192.168.1.10 is a private address: webhooks reach only public addresses (WEBHOOK_ALLOW_PRIVATE=true allows private ones)',
    ],
    [
      'http://0.0.0.0/hooks',
      '0.0.0.0 is the unspecified address: webhooks reach only public addresses (WEBHOOK_ALLOW_PRIVATE=true allows private ones)',
    ],
    [
      'http://no-such-host.invalid/hooks',
      expect.stringMatching(
        /^no-such-host\.invalid could not be resolved \(E[A-Z_]+\); check the host name$/,
      ),
    ],
  ] as [string, unknown][])('refuses the URL %s, naming it', async (url, message) => {
    expect(await refusal({ url })).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { url: message },
    });
  });

  it('refuses a URL too long, an unknown agreement, a party not in it, a bad party code or an empty type list, naming each', async () => {
    const url = 'http://93.184.215.14/hooks'; // public, never contacted: nothing is written
    expect(
      await refusal({ url, agreementId: '00000000-0000-4000-8000-000000000000' }),
    ).toMatchObject({
      fields: { agreementId: 'there is no agreement 00000000-0000-4000-8000-000000000000' },
    });
    expect(await refusal({ url, agreementId, partyCode: 'JP' })).toMatchObject({
      fields: { partyCode: `JP is not a party to agreement ${agreementId}` },
    });
    expect((await refusal({ url, partyCode: 'ZZ' }))?.fields).toHaveProperty('partyCode');
    expect(await refusal({ url: `https://example.org/${'a'.repeat(2000)}` })).toMatchObject({
      fields: { url: 'url must be shorter than or equal to 2000 characters' },
    });
    expect((await refusal({ url, eventTypes: [] }))?.fields).toEqual({
      eventTypes: 'eventTypes must name at least one type, or be left out for all',
    });
    const unknownType = await server.gql(CREATE, { input: { url, eventTypes: ['TREATY_SIGNED'] } });
    expect(unknownType.errors?.[0].message).toContain('TREATY_SIGNED');
    expect(unknownType.errors?.[0].message).toContain('eventTypes');
    expect((await server.ok(`{ webhooks { id } }`)).webhooks).toEqual([]);
  });

  it('is for admins: an editor and a stranger are refused, and nothing is written', async () => {
    const editor = (
      await server.ok(`mutation { createApiToken(name: "webhook-editor", role: EDITOR) { token } }`)
    ).createApiToken.token as string;
    const input = { url: 'http://93.184.215.14/hooks' };
    expect((await server.gql(CREATE, { input }, editor)).errors?.[0].extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await server.gql(CREATE, { input }, null)).errors?.[0].extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    expect((await server.gql(`{ webhooks { id } }`, {}, editor)).errors?.[0].extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await server.ok(`{ webhooks { id } }`)).webhooks).toEqual([]);
  });

  it('never shows a secret again: the schema has no field for it', async () => {
    const fields = (
      await server.ok(`{ __type(name: "Webhook") { fields { name } } }`)
    ).__type.fields.map((field: { name: string }) => field.name);
    expect(fields.filter((name: string) => /secret/i.test(name))).toEqual([]);
  });
});
