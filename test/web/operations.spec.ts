import { describe, expect, it } from '@jest/globals';
import { buildSchema, parse, validate } from 'graphql';
import { readFileSync } from 'node:fs';
import * as operations from '../../web/src/operations.js';

/** The web app's operations against the schema: a change of the API that breaks it fails here. */
describe('the web app’s GraphQL operations', () => {
  const schema = buildSchema(readFileSync('schema.gql', 'utf8'));
  const documents: [string, string][] = [];
  for (const [name, value] of Object.entries(operations)) {
    if (typeof value === 'number') {
      continue; // PROCEDURE_STEPS, a size the operations use
    }
    if (typeof value !== 'string') {
      for (const [kind, text] of Object.entries(value)) {
        documents.push([`${name}.${kind}`, text]);
      }
    } else if (name !== 'EVENT_FIELDS') {
      documents.push([name, value]);
    }
  }

  it('has them all', () => {
    expect(documents.map(([name]) => name).sort()).toEqual([
      'AGREEMENT_LIST',
      'AGREEMENT_PAGE',
      'AGREEMENT_REFRESH',
      'AGREEMENT_TIMELINE',
      'LIVE_EVENTS',
      'LOG_HEAD',
      'RECORD.approval',
      'RECORD.party',
      'RECORD.workflow',
      'VIEWER',
    ]);
  });

  it.each(documents)('%s is one named operation, valid against schema.gql', (_, text) => {
    const document = parse(text);
    expect(document.definitions).toHaveLength(1);
    expect(validate(schema, document)).toEqual([]);
  });
});
