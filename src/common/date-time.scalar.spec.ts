import { describe, expect, it } from '@jest/globals';
import {
  graphql,
  GraphQLError,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parseValue,
} from 'graphql';
import { DateTime, parseDateTime } from './date-time.scalar.js';

describe('parseDateTime', () => {
  it.each([
    ['2019-12-03T09:54:33Z', '2019-12-03T09:54:33.000Z'],
    ['2019-12-03t09:54:33z', '2019-12-03T09:54:33.000Z'],
    ['2019-12-03T09:54Z', '2019-12-03T09:54:00.000Z'],
    ['2019-12-03T18:54:33+09:00', '2019-12-03T09:54:33.000Z'],
    ['2019-12-03T04:24:33-05:30', '2019-12-03T09:54:33.000Z'],
    ['2019-12-03T09:54:33+00:00', '2019-12-03T09:54:33.000Z'],
    ['2019-12-03T09:54:33-00:00', '2019-12-03T09:54:33.000Z'],
    ['2019-12-03T00:30:00+01:00', '2019-12-02T23:30:00.000Z'],
    ['2019-12-31T23:00:00-23:59', '2020-01-01T22:59:00.000Z'],
    ['2019-12-03T09:54:33+23:59', '2019-12-02T09:55:33.000Z'],
    ['2019-12-03T09:54:33.1Z', '2019-12-03T09:54:33.100Z'],
    ['2019-12-03T09:54:33.12Z', '2019-12-03T09:54:33.120Z'],
    ['2019-12-03T09:54:33.123Z', '2019-12-03T09:54:33.123Z'],
    ['2019-12-03T09:54:33.1239Z', '2019-12-03T09:54:33.123Z'],
    ['2019-12-03T09:54:33.12399Z', '2019-12-03T09:54:33.123Z'],
    ['2019-12-03T09:54:33.123999Z', '2019-12-03T09:54:33.123Z'],
    ['2019-12-03T09:54:33.1239999Z', '2019-12-03T09:54:33.123Z'],
    ['2019-12-03T09:54:33.12399999Z', '2019-12-03T09:54:33.123Z'],
    ['2019-12-03T09:54:33.123999999Z', '2019-12-03T09:54:33.123Z'],
    ['2019-12-03T09:54:33.999999999+01:00', '2019-12-03T08:54:33.999Z'],
    ['2021-03-07', '2021-03-07T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
    ['2023-02-28T23:59:59Z', '2023-02-28T23:59:59.000Z'],
    ['2024-04-30T00:00:00Z', '2024-04-30T00:00:00.000Z'],
    ['2024-12-31T23:59:59.999Z', '2024-12-31T23:59:59.999Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['0050-06-15', '0050-06-15T00:00:00.000Z'],
    ['9999-12-31T23:59:59Z', '9999-12-31T23:59:59.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseDateTime(text).toISOString()).toBe(iso);
  });

  it.each([
    ['2023-02-29', 'February 2023 has 28 days'],
    ['2023-02-29T00:00:00Z', 'February 2023 has 28 days'],
    ['1900-02-29T00:00:00Z', 'February 1900 has 28 days'],
    ['2100-02-29', 'February 2100 has 28 days'],
    ['2024-02-30T00:00:00Z', 'February 2024 has 29 days'],
    ['2024-04-31T00:00:00Z', 'April 2024 has 30 days'],
    ['2024-06-31', 'June 2024 has 30 days'],
    ['2024-09-31', 'September 2024 has 30 days'],
    ['2024-11-31', 'November 2024 has 30 days'],
    ['2024-01-32', 'January 2024 has 31 days'],
    ['2024-03-00', 'there is no day 00'],
    ['2024-13-01T00:00:00Z', 'there is no month 13'],
    ['2024-00-10T00:00:00Z', 'there is no month 00'],
    ['2024-01-01T24:00:00Z', 'hour 24 is past 23'],
    ['2024-01-01T25:00:00Z', 'hour 25 is past 23'],
    ['2024-01-01T23:60:00Z', 'minute 60 is past 59'],
    ['2024-01-01T23:60Z', 'minute 60 is past 59'],
    ['2024-01-01T23:59:60Z', 'second 60 is past 59 (leap seconds are not accepted)'],
    ['2016-12-31T23:59:60Z', 'second 60 is past 59 (leap seconds are not accepted)'],
    ['2024-01-01T10:00:00+24:00', 'the offset +24:00 is beyond ±23:59'],
    ['2024-01-01T10:00:00-24:00', 'the offset -24:00 is beyond ±23:59'],
    ['2024-01-01T10:00:00+05:60', 'the offset +05:60 is beyond ±23:59'],
    ['0000-01-01T00:00:00Z', 'year 0000 is outside 0001–9999'],
    ['+275760-09-13T00:00:00.000Z', 'year +275760 is outside 0001–9999'],
    ['-000001-01-01T00:00:00.000Z', 'year -000001 is outside 0001–9999'],
    ['+010000-01-01', 'year +010000 is outside 0001–9999'],
    ['0001-01-01T00:00:00+00:01', 'at UTC it falls in the year 0, outside 0001–9999'],
    ['9999-12-31T23:59:59-00:01', 'at UTC it falls in the year 10000, outside 0001–9999'],
    ['2021-03-07T10:00', 'the time has no zone: end it with Z or an offset such as +09:00'],
    ['2021-03-07T10:00:00', 'the time has no zone: end it with Z or an offset such as +09:00'],
    ['2021-03-07T10:00:00.5', 'the time has no zone: end it with Z or an offset such as +09:00'],
  ])('refuses %s: %s', (text, reason) => {
    expect(() => parseDateTime(text)).toThrow(
      new GraphQLError(`DateTime cannot represent ${JSON.stringify(text)}: ${reason}`),
    );
  });

  it.each([
    '',
    ' ',
    '2021',
    '2021-03',
    'March 7, 2021',
    'Sun Mar 07 2021 00:00:00 GMT+0000',
    '1614988800000',
    'yesterday',
    '2021-3-7',
    '21-03-07',
    '20210307',
    '20210307T100000Z',
    '2021-03-07 10:00:00Z',
    '2021-03-07T10Z',
    '2021-03-07T1:00:00Z',
    '2021-03-07T10:00:00.Z',
    '2021-03-07T10:00:00.1234567890Z',
    '2021-03-07T10:00.5Z',
    '2021-03-07T10:00:00+0900',
    '2021-03-07T10:00:00+09',
    '2021-03-07T10:00:00 Z',
    '2021-03-07T10:00:00UTC',
    ' 2021-03-07',
    '2021-03-07 ',
    '2021-03-07\n',
    '2021-03-07Z',
    '2021-03-07T',
    '１２３４-01-01',
    '2021-W09-7',
    '2021-066',
  ])('refuses %j, which is not the shape of one', (text) => {
    expect(() => parseDateTime(text)).toThrow(
      new GraphQLError(
        `DateTime cannot represent ${JSON.stringify(text)}: expected an ISO 8601 date-time with a zone, such as 2019-12-03T09:54:33Z or 2019-12-03T18:54:33+09:00, or a date such as 2019-12-03`,
      ),
    );
  });

  it('throws GraphQLErrors', () => {
    expect(() => parseDateTime('2024-02-30')).toThrow(GraphQLError);
  });
});

describe('the DateTime scalar', () => {
  it('keeps the name the schema has always had', () => {
    expect(DateTime.name).toBe('DateTime');
    expect(DateTime.description).toContain('2019-12-03T09:54:33Z');
  });

  describe('parseValue (variables)', () => {
    it('reads strings as parseDateTime does', () => {
      expect(DateTime.parseValue('2024-02-29T12:00:00+01:00')).toEqual(
        new Date('2024-02-29T11:00:00Z'),
      );
      expect(() => DateTime.parseValue('2024-02-30T00:00:00Z')).toThrow(
        'DateTime cannot represent "2024-02-30T00:00:00Z": February 2024 has 29 days',
      );
    });

    it.each([
      [1614988800000, '1614988800000'],
      [2021, '2021'],
      [0, '0'],
      [true, 'true'],
      [null, 'null'],
      [undefined, 'undefined'],
      [{ year: 2021 }, '{"year":2021}'],
      [['2021-03-07'], '["2021-03-07"]'],
    ])('refuses the non-string %j', (value, named) => {
      expect(() => DateTime.parseValue(value)).toThrow(
        new GraphQLError(
          `DateTime cannot represent ${named}: expected a string such as "2019-12-03T09:54:33Z"`,
        ),
      );
    });
  });

  describe('parseLiteral (values written in the query)', () => {
    it('reads a string literal', () => {
      expect(DateTime.parseLiteral(parseValue('"2000-02-29T23:59:59.5-01:00"'))).toEqual(
        new Date('2000-03-01T00:59:59.500Z'),
      );
      expect(DateTime.parseLiteral(parseValue('"""2021-03-07"""'))).toEqual(
        new Date('2021-03-07T00:00:00Z'),
      );
    });

    it('refuses a bad string literal with the same message, pointing at it', () => {
      expect(() => DateTime.parseLiteral(parseValue('"2023-02-29"'))).toThrow(
        expect.objectContaining({
          constructor: GraphQLError,
          message: 'DateTime cannot represent "2023-02-29": February 2023 has 28 days',
          locations: [{ line: 1, column: 1 }],
        }),
      );
    });

    it.each([
      ['1614988800000', '1614988800000'],
      ['2021', '2021'],
      ['20.21', '20.21'],
      ['true', 'true'],
      ['null', 'null'],
      ['MARCH', 'MARCH'],
      ['["2021-03-07"]', '["2021-03-07"]'],
      ['{ year: 2021 }', '{year: 2021}'],
    ])('refuses the non-string literal %s', (literal, named) => {
      expect(() => DateTime.parseLiteral(parseValue(literal))).toThrow(
        new GraphQLError(
          `DateTime cannot represent ${named}: expected a string such as "2019-12-03T09:54:33Z"`,
        ),
      );
    });
  });

  describe('serialize', () => {
    it('writes a Date at UTC, with milliseconds', () => {
      expect(DateTime.serialize(new Date('2024-02-29T12:00:00+09:00'))).toBe(
        '2024-02-29T03:00:00.000Z',
      );
      expect(DateTime.serialize(parseDateTime('0050-06-15'))).toBe('0050-06-15T00:00:00.000Z');
    });

    it.each([
      [new Date(Number.NaN), 'Invalid Date'],
      ['2024-02-29T12:00:00Z', '"2024-02-29T12:00:00Z"'],
      [1709208000000, '1709208000000'],
      [null, 'null'],
      [undefined, 'undefined'],
      [{}, '{}'],
    ])('refuses %p, which is not a valid Date', (value, named) => {
      expect(() => DateTime.serialize(value)).toThrow(
        new GraphQLError(`DateTime cannot represent ${named}: expected a valid Date`),
      );
    });
  });

  describe('in a schema', () => {
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: {
          echo: {
            type: DateTime,
            args: { at: { type: DateTime } },
            resolve: (_source, { at }: { at: Date }) => at,
          },
          broken: { type: DateTime, resolve: () => 'not a date' },
          greeting: { type: GraphQLString, resolve: () => 'hello' },
        },
      }),
    });

    it('round-trips a value given as a variable or a literal', async () => {
      await expect(
        graphql({
          schema,
          source: 'query ($at: DateTime) { echo(at: $at) }',
          variableValues: { at: '2024-02-29T12:00:00+01:00' },
        }),
      ).resolves.toEqual({ data: { echo: '2024-02-29T11:00:00.000Z' } });
      await expect(graphql({ schema, source: '{ echo(at: "2024-02-29") }' })).resolves.toEqual({
        data: { echo: '2024-02-29T00:00:00.000Z' },
      });
    });

    it('refuses a bad variable before execution, naming the variable and the value', async () => {
      const result = await graphql({
        schema,
        source: 'query ($at: DateTime) { echo(at: $at) }',
        variableValues: { at: '2024-02-30T00:00:00Z' },
      });
      expect(result.data).toBeUndefined();
      expect(result.errors?.map((error) => error.message)).toEqual([
        'Variable "$at" got invalid value "2024-02-30T00:00:00Z"; DateTime cannot represent "2024-02-30T00:00:00Z": February 2024 has 29 days',
      ]);
    });

    it('fails a field whose resolver returns something other than a Date', async () => {
      const result = await graphql({ schema, source: '{ broken greeting }' });
      expect(result.data).toEqual({ broken: null, greeting: 'hello' });
      expect(result.errors?.map((error) => error.message)).toEqual([
        'DateTime cannot represent "not a date": expected a valid Date',
      ]);
    });
  });
});
