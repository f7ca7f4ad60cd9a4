import type { SubgraphRequest } from './plugin.js';

const variablesJson = new WeakMap<object, string>();

/**
 * A fetch's variables as JSON, made once per variables object: de-duplication's key and the
 * request body both need them, and an entity fetch's representations are most of the bytes
 * a gateway writes. The executor builds a new object for every fetch and changes none after.
 */
export function jsonOfVariables(variables: Record<string, unknown> | null | undefined): string {
  if (variables == null) return 'null';
  let json = variablesJson.get(variables);
  if (json === undefined) {
    json = JSON.stringify(variables);
    variablesJson.set(variables, json);
  }
  return json;
}

/** The POST body of a subgraph fetch: what `JSON.stringify({ query, variables, operationName })` gives, variables serialised once. */
export const subgraphBody = ({ query, variables, operationName }: Pick<SubgraphRequest, 'query' | 'variables' | 'operationName'>): string =>
  `{"query":${JSON.stringify(query)}${variables === undefined ? '' : `,"variables":${jsonOfVariables(variables)}`}${operationName === undefined ? '' : `,"operationName":${JSON.stringify(operationName)}`}}`;
