import { type Type } from '@nestjs/common';
import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DomainError } from './domain-error.js';

/** Relay-style pagination: the one helper for every connection of the API. */

export const MAX_PAGE_SIZE = 100;

export interface PageArgsShape {
  first: number;
  last?: number | null;
  after?: string | null;
}

/**
 * Args `first` (1..100, default `defaultFirst`), `last` (the last N instead, still in order) and
 * `after` (a cursor of the same connection).
 */
export function PageArgs(defaultFirst: number): Type<PageArgsShape> {
  @ArgsType()
  abstract class PageArgsType {
    @Field(() => Int, {
      nullable: true,
      defaultValue: defaultFirst,
      description: `How many to return from the start, at most ${MAX_PAGE_SIZE}.`,
    })
    @Min(1)
    @Max(MAX_PAGE_SIZE)
    first: number = defaultFirst;

    @Field(() => Int, {
      nullable: true,
      description: `How many to return from the end instead (the newest), at most ${MAX_PAGE_SIZE}; takes precedence over first.`,
    })
    @IsOptional()
    @Min(1)
    @Max(MAX_PAGE_SIZE)
    last?: number | null;

    @Field(() => String, {
      nullable: true,
      description: 'Return what comes after this cursor (an `endCursor` or edge `cursor`).',
    })
    @IsOptional()
    @IsString()
    @MaxLength(200)
    after?: string | null;
  }
  return PageArgsType as Type<PageArgsShape>;
}

/** A page to read: everything after `after`, the first or the last `size` of it. */
export interface PageRequest {
  readonly after: number;
  readonly size: number;
  readonly fromEnd: boolean;
}

/** Reads the args of a connection whose cursors are of `kind`. */
export function pageRequest(kind: string, args: PageArgsShape): PageRequest {
  return {
    after: args.after ? decodeCursor(kind, args.after) : 0,
    size: args.last ?? args.first,
    fromEnd: args.last != null,
  };
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field()
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true })
  startCursor: string | null;

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
  /** Counted only when a client asks for it: a getter, read when the field is resolved. */
  readonly totalCount: Promise<number>;
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
    totalCount: Promise<number>;
  }
  return ConnectionTypeClass;
}

/**
 * A page read with `size + 1` rows, in ascending order from the start, or descending from the end
 * for `last`: the extra row only tells that there is more on that side.
 */
export function toConnection<T>(
  rows: T[],
  page: PageRequest,
  totalCount: () => Promise<number>,
  cursorOf: (node: T) => string,
): Connection<T> {
  const more = rows.length > page.size;
  const nodes = rows.slice(0, page.size);
  if (page.fromEnd) {
    nodes.reverse();
  }
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: !page.fromEnd && more,
      hasPreviousPage: page.fromEnd && more,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    get totalCount() {
      return totalCount();
    },
  };
}

/**
 * Cursors are opaque to clients: base64url of `<kind>:<position>`, so that a cursor of one
 * connection is refused by another rather than silently misread.
 */
export function encodeCursor(kind: string, position: number): string {
  return Buffer.from(`${kind}:${position}`).toString('base64url');
}

/**
 * The largest position a cursor may name: positions are event sequences, which PostgreSQL keeps
 * in `integer` columns (`sequence`, `createdSequence`), and a larger one fails there as a query
 * error rather than finding nothing.
 */
export const MAX_CURSOR_POSITION = 2 ** 31 - 1;

export function decodeCursor(kind: string, cursor: string, field = 'after'): number {
  const [prefix, position, extra] = Buffer.from(cursor, 'base64url').toString().split(':');
  const value = Number(position);
  if (
    prefix !== kind ||
    extra !== undefined ||
    !/^\d{1,10}$/.test(position ?? '') ||
    value > MAX_CURSOR_POSITION
  ) {
    throw DomainError.badInput({
      [field]: `${JSON.stringify(cursor)} is not a cursor of this list; pass a cursor this list returned`,
    });
  }
  return value;
}
