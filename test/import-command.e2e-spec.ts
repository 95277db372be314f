import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImportCommand } from '../src/cli/import.js';
import { AgreementFactory } from './factories/agreement.factory.js';
import { TestServer } from './support/server.js';

const EXAMPLE = 'docs/examples/status-table.csv';
const FIELDS = `stage version parties { code name status consentMeans consentedAt inForceFrom }
  entryIntoForce { consents conditionMetAt date }`;

describe('npm run import', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
    dir = mkdtempSync(join(tmpdir(), 'ratify-import-'));
  });
  afterAll(async () => {
    await server.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const importing = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runImportCommand(
      argv,
      { DATABASE_URL: server.database.url },
      { out: (line) => out.push(line), err: (line) => err.push(line) },
    );
    return { code, out, err: err.join('\n') };
  };
  const read = async (id: string) =>
    (await server.ok(`query ($id: ID!) { agreement(id: $id) { ${FIELDS} } }`, { id })).agreement;
  const convention = () =>
    AgreementFactory.create(server, {
      title: 'Example Convention',
      stage: 'SIGNED',
      stageEnteredAt: '1990-03-15T00:00:00.000Z',
      parties: [
        { code: 'NO', name: 'Norway', approvalRequired: false },
        { code: 'FR', name: 'France', approvalRequired: false },
      ],
      entryIntoForce: { kind: 'THRESHOLD', instruments: 5, daysAfter: 90 },
    });

  it('loads the example table in date order through the workflow, once', async () => {
    const { id } = await convention();
    const first = await importing(EXAMPLE, '--agreement', id);
    expect(first).toMatchObject({
      code: 0,
      out: [
        'Recorded 14 actions (0 already recorded), added 7 parties.',
        expect.stringContaining('IN_FORCE'),
      ],
    });
    const agreement = await read(id);
    expect(agreement.entryIntoForce).toEqual({
      consents: 8,
      conditionMetAt: '1993-05-28T00:00:00.000Z',
      date: '1993-08-26T00:00:00.000Z',
    });
    const status = Object.fromEntries(
      agreement.parties.map((p: any) => [
        p.code,
        [p.status, p.consentMeans, p.inForceFrom?.slice(0, 10) ?? null],
      ]),
    );
    expect(status).toEqual({
      NO: ['PARTY', 'RATIFICATION', '1993-08-26'],
      FR: ['PARTY', 'APPROVAL', '1993-08-26'],
      JP: ['PARTY', 'ACCEPTANCE', '1993-12-27'],
      DE: ['PARTY', 'RATIFICATION', '1993-08-26'],
      CN: ['PARTY', 'RATIFICATION', '1994-04-04'],
      NZ: ['PARTY', 'DEFINITIVE_SIGNATURE', '1993-08-26'],
      TZ: ['PARTY', 'ACCESSION', '1996-07-10'],
      SK: ['PARTY', 'SUCCESSION', '1993-08-26'],
      US: ['SIGNATORY', null, null],
    });
    expect(agreement.parties.find((p: any) => p.code === 'CN').name).toBe('China');
    const { events } = await server.ok(
      `query ($id: ID!) { events(agreementId: $id, first: 100) { edges { node { actor partyAction } } } }`,
      { id },
    );
    const actors = new Set(events.edges.map((edge: any) => edge.node.actor));
    expect(actors).toEqual(new Set(['ADMIN_TOKEN', 'import', 'system']));

    const again = await importing(EXAMPLE, '--agreement', id);
    expect(again.out[0]).toBe('Recorded 0 actions (14 already recorded), added 0 parties.');
    expect((await read(id)).version).toBe(agreement.version);
  });

  it('loads nothing from a file with a bad line, and names every bad line', async () => {
    const { id } = await convention();
    const before = await read(id);
    const file = join(dir, 'bad.csv');
    writeFileSync(
      file,
      'code,participant,signature,consent\nNO,Norway,15 Mar 1990,12 Feb 1991\nZZ,Nowhere,,1 Jan 1991\nFR,France,15 Mar 1990,31 Feb 1992 AA\n',
    );
    const result = await importing(file, '--agreement', id);
    expect(result.code).toBe(1);
    expect(result.err).toContain('nothing was loaded');
    expect(result.err).toContain('line 3.code');
    expect(result.err).toContain('line 4.consent');
    expect(await read(id)).toEqual(before);
  });

  it('loads nothing when the workflow refuses a row, and names its line', async () => {
    const { id } = await AgreementFactory.create(server, {
      parties: [
        { code: 'NO', name: 'Norway', approvalRequired: false },
        { code: 'FR', name: 'France', approvalRequired: false },
      ],
    });
    const before = await read(id);
    const result = await importing(EXAMPLE, '--agreement', id);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/nothing was loaded\. line \d+: Cannot SIGN/);
    expect(result.err).toContain('once the agreement is SIGNED');
    expect(await read(id)).toEqual(before);
  });

  it('says what is wrong with its arguments', async () => {
    expect((await importing()).err).toContain('No file given.');
    expect((await importing(EXAMPLE, '--agreement', 'nope')).err).toContain('--agreement takes');
    const missing = await importing(
      join(dir, 'none.csv'),
      '--agreement',
      '00000000-0000-4000-8000-000000000000',
    );
    expect(missing).toMatchObject({ code: 1, err: expect.stringContaining('ENOENT') });
    const unknown = await importing(EXAMPLE, '--agreement', '00000000-0000-4000-8000-000000000000');
    expect(unknown).toMatchObject({
      code: 1,
      err: expect.stringContaining('No agreement with id'),
    });
  });
});
