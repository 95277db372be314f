import { type Type } from '@nestjs/common';
import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DomainError } from './domain-error.js';

/** Relay-style pagination: the one helper for every connection of the API. */

export const MAX_PAGE_SIZE = 100;

/** Args `first` (1..100, default `defaultFirst`) and `after` (a cursor of the same connection). */
export function PageArgs(defaultFirst: number): Type<{ first: number; after?: string }> {
  @ArgsType()
  abstract class PageArgsType {
    @Field(() => Int, {
      nullable: true,
      defaultValue: defaultFirst,
      description: `How many to return, at most ${MAX_PAGE_SIZE}.`,
    })
    @Min(1)
    @Max(MAX_PAGE_SIZE)
    first: number = defaultFirst;

    @Field(() => String, {
      nullable: true,
      description: 'Return what comes after this cursor (an `endCursor` or edge `cursor`).',
    })
    @IsOptional()
    @IsString()
    @MaxLength(200)
    after?: string;
  }
  return PageArgsType as Type<{ first: number; after?: string }>;
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** The GraphQL types `<Name>Edge` and `<Name>Connection` for nodes of `node`. */
export function ConnectionType<T>(node: Type<T>, name: string): Type<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field()
    cursor: string;

    @Field(() => node)
    node: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionTypeClass {
    @Field(() => [EdgeType])
    edges: EdgeType[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    @Field(() => Int, { description: 'How many there are in all, across every page.' })
    totalCount: number;
  }
  return ConnectionTypeClass;
}

/** A page read with `first + 1` rows: the extra row only tells that there is a next page. */
export function toConnection<T>(
  rows: T[],
  first: number,
  totalCount: number,
  cursorOf: (node: T) => string,
): Connection<T> {
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}

/**
 * Cursors are opaque to clients: base64url of `<kind>:<position>`, so that a cursor of one
 * connection is refused by another rather than silently misread.
 */
export function encodeCursor(kind: string, position: number): string {
  return Buffer.from(`${kind}:${position}`).toString('base64url');
}

export function decodeCursor(kind: string, cursor: string, field = 'after'): number {
  const [prefix, position, extra] = Buffer.from(cursor, 'base64url').toString().split(':');
  const value = Number(position);
  if (prefix !== kind || extra !== undefined || !/^\d{1,15}$/.test(position ?? '')) {
    throw DomainError.badInput({
      [field]: `${JSON.stringify(cursor)} is not a cursor of this list; pass a cursor this list returned`,
    });
  }
  return value;
}
