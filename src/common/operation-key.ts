import type { OperationDefinitionNode } from 'graphql';

/**
 * A key for running `operation` (of the document `text`, chosen by `operationName`) with
 * `variables`: equal keys execute alike. Only the variables the operation declares are in it, as
 * GraphQL reads no others: what a client adds beside them neither splits the key nor, nested
 * deeper than JSON.stringify can follow, breaks it. Null when it cannot be written (a declared
 * value nested that deep, which execution then refuses): the caller goes without a key.
 */
export function operationKey(
  text: string,
  operation: OperationDefinitionNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): string | null {
  // Pairs, not an object: a variable may be named `__proto__`. An absent variable (its default
  // applies) is left out, so that it differs from one given as null.
  const declared: [string, unknown][] = [];
  for (const { variable } of operation.variableDefinitions ?? []) {
    const name = variable.name.value;
    if (variables && Object.hasOwn(variables, name)) {
      declared.push([name, variables[name]]);
    }
  }
  try {
    return JSON.stringify([text, operationName ?? null, declared]);
  } catch {
    return null;
  }
}
