import {
  getNamedType,
  getNullableType,
  isListType,
  isInterfaceType,
  isObjectType,
  Kind,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { RequestLimits } from '../config/config.js';
import { DomainError, ErrorCode } from './domain-error.js';
import { MAX_PAGE_SIZE } from './pagination.js';

/**
 * The field extension by which a list outside a connection declares the most items it can hold
 * (`@Extensions({ [MAX_ITEMS]: 250 })` on an agreement's parties): the cost counts its selection
 * that many times. A list of objects that does not declare it is counted as a full page.
 */
export const MAX_ITEMS = 'maxItems';

/**
 * The deepest an introspection query may go when introspection is on. graphql-js's
 * `getIntrospectionQuery()` with every option, which GraphiQL, GraphQL Code Generator and
 * graphql-inspector send, nests 15 deep (its `ofType` chain); no schema tool needs more.
 */
export const INTROSPECTION_MAX_DEPTH = 24;

/** The root fields of introspection. */
const INTROSPECTION_FIELDS: ReadonlySet<string> = new Set(['__schema', '__type']);

export interface OperationSize {
  /** The deepest chain of nested fields (outside introspection, when it is on). */
  depth: number;
  /** The deepest introspection field (`__schema`, `__type`) when introspection is on, else 0. */
  introspectionDepth?: number;
  /** Every field counts 1, times the page size (or most items) of each list above it. */
  cost: number;
  /** Fields selected under another name. */
  aliases: number;
}

/**
 * The sizes of operations that no variable sizes, per parsed document (Apollo keeps one parsed
 * document per query text, so a query asked again is the same object), by operation name and
 * whether introspection is sized apart. A status query asked for one agreement after another is
 * sized once.
 */
const sizesOf = new WeakMap<DocumentNode, Map<string, OperationSize | null>>();

/**
 * Sizes an operation before it runs, from the query text, its variables and the schema's
 * argument defaults, so that a request asking for too much is refused before any resolver runs.
 * Fragments are followed (each spread at most once per path, so a cycle cannot loop). An
 * operation whose size no variable sets (page sizes given in the text, or by default) is sized
 * once per document (`sizesOf`).
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> = {},
  { introspection = false }: { introspection?: boolean } = {},
): OperationSize | null {
  const key = `${introspection}:${operationName ?? ''}`;
  let known = sizesOf.get(document);
  if (known?.has(key)) {
    return known.get(key)!;
  }
  const sized = { byVariable: false };
  const size = measured(schema, document, operationName, variables, introspection, sized);
  if (!sized.byVariable) {
    if (!known) {
      known = new Map();
      sizesOf.set(document, known);
    }
    known.set(key, size);
  }
  return size;
}

function measured(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  introspection: boolean,
  sized: { byVariable: boolean },
): OperationSize | null {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((candidate) => candidate.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) {
    return null; // GraphQL itself reports the missing operation
  }
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  let aliases = 0;

  /** `pageSize`: the page size of the connection field whose selection this is, if any. */
  const measure = (
    selectionSet: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
    seen: ReadonlySet<string>,
    pageSize?: number,
  ): { cost: number; depth: number } => {
    let cost = 0;
    let depth = 0;
    for (const selection of selectionSet.selections) {
      let inner: { cost: number; depth: number };
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) {
          aliases += 1;
        }
        const field = fieldOf(parent, selection.name.value);
        const size = pageSizeOf(field, selection, variables, sized);
        const children = selection.selectionSet
          ? measure(selection.selectionSet, field && getNamedType(field.type), seen, size)
          : { cost: 0, depth: 0 };
        // A list repeats its selection: a connection's `edges` as often as its page size, a list
        // with a `first` or `last` of its own (`Party.procedure`) that many times.
        const most = field && maxItemsOf(field);
        const repeat =
          field && isListType(getNullableType(field.type))
            ? (pageSize ??
              (size === undefined ? undefined : Math.min(size, most ?? size)) ??
              most ??
              MAX_PAGE_SIZE)
            : 1;
        inner = { cost: 1 + repeat * children.cost, depth: 1 + children.depth };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parent;
        inner = measure(selection.selectionSet, type, seen, pageSize);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) {
          continue;
        }
        inner = measure(
          fragment.selectionSet,
          schema.getType(fragment.typeCondition.name.value),
          new Set([...seen, fragment.name.value]),
          pageSize,
        );
      }
      cost += inner.cost;
      depth = Math.max(depth, inner.depth);
    }
    return { cost, depth };
  };

  // With introspection on, its root fields are sized apart: their answer is the schema itself,
  // bounded by its size (times the aliases, which still count), so they count no cost, and have
  // a depth limit of their own that the schema tools' standard query fits in.
  let introspectionDepth = 0;
  const selections = operation.selectionSet.selections.filter((selection) => {
    const apart =
      introspection &&
      selection.kind === Kind.FIELD &&
      INTROSPECTION_FIELDS.has(selection.name.value);
    if (apart) {
      introspectionDepth = Math.max(
        introspectionDepth,
        measure({ kind: Kind.SELECTION_SET, selections: [selection] }, root, new Set()).depth,
      );
    }
    return !apart;
  });
  const { cost, depth } = measure({ ...operation.selectionSet, selections }, root, new Set());
  return { cost, depth, aliases, introspectionDepth };
}

function fieldOf(
  parent: GraphQLNamedType | undefined,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  return parent && (isObjectType(parent) || isInterfaceType(parent))
    ? parent.getFields()[name]
    : undefined;
}

/**
 * How many items a connection field returns: its `last` when given (which takes precedence, see
 * pagination.ts), else its `first` (an argument, a variable, or the schema default).
 */
function pageSizeOf(
  field: GraphQLField<unknown, unknown> | undefined,
  node: FieldNode,
  variables: Record<string, unknown>,
  sized: { byVariable: boolean },
): number | undefined {
  return (
    argumentOf(field, node, 'last', variables, sized) ??
    argumentOf(field, node, 'first', variables, sized)
  );
}

/** An Int argument's value; `sized.byVariable` is set when a variable gives it. */
function argumentOf(
  field: GraphQLField<unknown, unknown> | undefined,
  node: FieldNode,
  name: string,
  variables: Record<string, unknown>,
  sized: { byVariable: boolean },
): number | undefined {
  const arg = field?.args.find((candidate) => candidate.name === name);
  if (!arg) {
    return undefined;
  }
  const given = node.arguments?.find((candidate) => candidate.name.value === name);
  if (given && given.value.kind !== Kind.INT && given.value.kind !== Kind.NULL) {
    sized.byVariable = true; // a variable (or a value GraphQL refuses for an Int)
  }
  const value = (given && valueFromAST(given.value, arg.type, variables)) ?? arg.defaultValue;
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(value, 0) : undefined;
}

function maxItemsOf(field: GraphQLField<unknown, unknown>): number | undefined {
  const declared = field.extensions?.[MAX_ITEMS];
  return typeof declared === 'number' ? declared : undefined;
}

/** The refusal of an operation beyond the limits, or null when it is within them. */
export function limitRefusal(
  size: OperationSize | null,
  limits: RequestLimits,
): DomainError | null {
  if (!size) {
    return null;
  }
  const checks = [
    ['depth', size.depth, limits.maxDepth, 'GRAPHQL_MAX_DEPTH'],
    [
      'introspection depth',
      size.introspectionDepth ?? 0,
      INTROSPECTION_MAX_DEPTH,
      'INTROSPECTION_MAX_DEPTH, fixed',
    ],
    ['cost', size.cost, limits.maxCost, 'GRAPHQL_MAX_COST'],
    ['aliases', size.aliases, limits.maxAliases, 'GRAPHQL_MAX_ALIASES'],
  ] as const;
  for (const [limit, value, max, variable] of checks) {
    if (value > max) {
      return new DomainError(
        ErrorCode.QUERY_TOO_COMPLEX,
        `The query's ${limit} is ${value}, over the server's limit of ${max} (${variable}). Ask for fewer or smaller lists, less nesting, or fewer aliases, and page with first/after.`,
        { limit, value, max },
      );
    }
  }
  return null;
}
