import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { Kind, parse, printSchema, validate } from 'graphql';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { partyDiagram, workflowDiagram } from '../src/workflow/index.js';

/**
 * Files generated from the code and committed: schema.gql, and the workflow diagram in the
 * README. They fail here when stale; `npm run generate` rewrites them.
 */
const update = process.env.UPDATE_GENERATED === '1';

function check(path: string, expected: string): void {
  if (update) {
    writeFileSync(path, expected);
    return;
  }
  expect(existsSync(path) ? readFileSync(path, 'utf8') : `${path} is missing`).toBe(expected);
}

describe('generated files', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createApp(
      loadConfig({ DATABASE_URL: 'sqlite::memory:', SEED_DEMO: 'false', LOG_LEVEL: 'fatal' }),
    );
    await app.init();
  });
  afterAll(() => app.close());

  it('schema.gql is the schema the server serves (npm run generate to refresh)', () => {
    const schema =
      '# Generated from the code-first resolvers by `npm run generate`; do not edit.\n\n' +
      printSchema(app.get(GraphQLSchemaHost).schema) +
      '\n';
    check('schema.gql', schema);
  });

  it('the README draws the stage and party tables the server enforces (npm run generate to refresh)', () => {
    let readme = readFileSync('README.md', 'utf8');
    for (const [name, diagram] of [
      ['workflow', workflowDiagram()],
      ['party', partyDiagram()],
    ]) {
      const pattern = new RegExp(
        `(<!-- ${name}-diagram:start -->\\n\`\`\`mermaid\\n)[\\s\\S]*?(\`\`\`\\n<!-- ${name}-diagram:end -->)`,
      );
      expect(readme).toMatch(pattern);
      readme = readme.replace(pattern, `$1${diagram}\n$2`);
    }
    check('README.md', readme);
  });

  it('the README’s GraphQL blocks are one named operation each, valid against the schema', () => {
    const schema = app.get(GraphQLSchemaHost).schema;
    const blocks = [...readFileSync('README.md', 'utf8').matchAll(/```graphql\n([\s\S]*?)```/g)];
    expect(blocks.length).toBeGreaterThan(10);
    for (const [, body] of blocks) {
      const document = parse(body);
      const operations = document.definitions.filter(
        (definition) => definition.kind === Kind.OPERATION_DEFINITION,
      );
      expect([body, operations.length, operations[0]?.name?.value]).toEqual([
        body,
        1,
        expect.any(String),
      ]);
      expect([body, validate(schema, document).map((error) => error.message)]).toEqual([body, []]);
    }
  });
});
