import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
  type IntrospectionQuery,
} from 'graphql';
import { TestServer } from './support/server.js';

/** The query GraphiQL, GraphQL Code Generator and graphql-inspector send, every option on. */
const STANDARD = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
  oneOf: true,
});

/** `__type { ofType { ofType ... } }`, `levels` deep. */
const deepTypeRef = (levels: number) =>
  `{ __type(name: "Agreement") { fields { type ${'{ ofType '.repeat(levels)}{ name }${' }'.repeat(levels)} } } }`;

describe('introspection, where it is on, passes the limits the schema tools need', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
  });
  afterAll(() => server.dispose());

  it('answers the standard introspection query over HTTP: the schema it describes is schema.gql', async () => {
    const result = await server.gql<IntrospectionQuery>(STANDARD, {}, null);
    expect(result.errors).toBeUndefined();
    const printed = printSchema(buildClientSchema(result.data!));
    const committed = readFileSync('schema.gql', 'utf8')
      .replace(/^#.*\n\n/, '')
      .trim();
    expect(printed.trim()).toBe(committed);
  });

  it('answers it over WebSocket too', async () => {
    const client = server.overWebSocket<IntrospectionQuery>(STANDARD);
    try {
      const [answer] = await client.take(1);
      expect(answer.__schema.queryType.name).toBe('Query');
    } finally {
      await client.close();
    }
  });

  it('still limits introspection: its own depth, and the aliases that would repeat it', async () => {
    const deep = await server.gql(deepTypeRef(30), {}, null);
    expect(deep.errors?.[0].extensions).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'introspection depth',
      value: 34,
      max: 24,
    });
    const repeated = Array.from({ length: 31 }, (_, i) => `s${i}: __schema { types { name } }`);
    const aliases = await server.gql(`{ ${repeated.join(' ')} }`, {}, null);
    expect(aliases.errors?.[0].extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'aliases',
    });
    // The rest of the operation is sized as before.
    const mixed = await server.gql(
      `{ __schema { queryType { name } } agreements(first: 100) { edges { node { timeline(first: 100) { edges { node { agreement { parties { code } } } } } } } } }`,
      {},
      null,
    );
    expect(mixed.errors?.[0].extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'cost',
    });
  });
});

/** A schema in SDL, printed the one way, to compare what two tools wrote. */
const normalized = (sdl: string) => printSchema(lexicographicSortSchema(buildSchema(sdl)));

describe('schema tools read the schema from a running server, at their defaults', () => {
  let server: TestServer;
  let folder: string;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
    folder = mkdtempSync(join(tmpdir(), 'ratify-schema-tools-'));
  });
  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await server.dispose();
  });

  /** Runs a tool's own command line (node_modules/.bin), from this folder. */
  const run = (tool: string, args: string[]) =>
    promisify(execFile)(join('node_modules', '.bin', tool), args, { timeout: 60_000 });

  it('GraphQL Code Generator (its schema-ast plugin) writes schema.gql', async () => {
    const config = join(folder, 'codegen.yml');
    const output = join(folder, 'codegen.graphql');
    writeFileSync(
      config,
      `schema: ${server.url}/graphql\ngenerates:\n  ${output}:\n    plugins: [schema-ast]\n`,
    );
    await run('graphql-codegen', ['--config', config]);
    expect(normalized(readFileSync(output, 'utf8'))).toBe(
      normalized(readFileSync('schema.gql', 'utf8')),
    );
  });

  it('graphql-inspector introspect writes schema.gql', async () => {
    const output = join(folder, 'inspector.graphql');
    await run('graphql-inspector', ['introspect', `${server.url}/graphql`, '--write', output]);
    expect(normalized(readFileSync(output, 'utf8'))).toBe(
      normalized(readFileSync('schema.gql', 'utf8')),
    );
  });
});

describe('introspection, where it is off', () => {
  it('is refused as before (GRAPHQL_VALIDATION_FAILED, before any limit is measured)', async () => {
    const production = await TestServer.start({ seedDemo: false, env: { NODE_ENV: 'production' } });
    try {
      const result = await production.gql(STANDARD, {}, null);
      expect(result.data).toBeUndefined();
      expect(result.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      await production.dispose();
    }
  });
});
