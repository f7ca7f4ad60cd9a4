import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, visit } from 'graphql';
import type { DocumentNode, GraphQLError, ValueNode } from 'graphql';
import { appError } from '../errors.js';
import { hasForbiddenCharacter } from '../text.js';

/**
 * The error for an input holding a forbidden character. HTTP 400, so that the gateway
 * passes the verdict on with its code (a subgraph's 400 is bad input only it could judge).
 */
function forbiddenCharacter(path: readonly string[]): GraphQLError {
  return appError('BAD_USER_INPUT', `${path.join('.')} contains a control character or another character that is not allowed.`, {
    field: path[path.length - 1],
    http: { status: 400 },
  });
}

/** The first string in a JSON value (a variable's) holding a forbidden character, as an error naming where. */
function checkVariable(value: unknown, path: readonly string[]): GraphQLError | null {
  if (typeof value === 'string') return hasForbiddenCharacter(value) ? forbiddenCharacter(path) : null;
  if (Array.isArray(value)) {
    for (const item of value) {
      const error = checkVariable(item, path);
      if (error) return error;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const error = checkVariable(item, [...path, key]);
      if (error) return error;
    }
  }
  return null;
}

/** What a document's own text says: where a literal holds a forbidden character, and where each variable is first used. */
interface DocumentInputs {
  forbiddenAt: readonly string[] | null;
  usedAt: ReadonlyMap<string, readonly string[]>;
}

/**
 * Per parsed document: Apollo Server and graphql-ws hand the same DocumentNode for the same
 * operation text (Apollo's document cache), so its literals are walked once, not per request.
 */
const documentInputs = new WeakMap<DocumentNode, DocumentInputs>();

function inputsOf(document: DocumentNode): DocumentInputs {
  const known = documentInputs.get(document);
  if (known) return known;
  let forbiddenAt: readonly string[] | null = null;
  const usedAt = new Map<string, readonly string[]>();
  const checkLiteral = (node: ValueNode, path: readonly string[]): void => {
    if (forbiddenAt) return;
    switch (node.kind) {
      case Kind.STRING:
        if (hasForbiddenCharacter(node.value)) forbiddenAt = path;
        return;
      case Kind.LIST:
        for (const item of node.values) checkLiteral(item, path);
        return;
      case Kind.OBJECT:
        for (const field of node.fields) checkLiteral(field.value, [...path, field.name.value]);
        return;
      case Kind.VARIABLE:
        if (!usedAt.has(node.name.value)) usedAt.set(node.name.value, path);
        return;
      default:
    }
  };
  visit(document, {
    Argument(node) {
      checkLiteral(node.value, [node.name.value]);
      return false;
    },
    VariableDefinition(node) {
      if (node.defaultValue) checkLiteral(node.defaultValue, [node.variable.name.value]);
      return false;
    },
  });
  const inputs: DocumentInputs = { forbiddenAt, usedAt };
  documentInputs.set(document, inputs);
  return inputs;
}

/**
 * Checks every string a request carries, literals in the document and variables alike, for
 * characters no field accepts (platform/text.ts). One check for every argument of every
 * subgraph: no resolver can forget it, and a NUL never reaches PostgreSQL. The error names
 * the argument or input field: a variable is named by where the document uses it.
 */
export function checkInputCharacters(document: DocumentNode, variables: Readonly<Record<string, unknown>> | null | undefined): GraphQLError | null {
  const { forbiddenAt, usedAt } = inputsOf(document);
  if (forbiddenAt) return forbiddenCharacter(forbiddenAt);
  if (!variables) return null;
  for (const name in variables) {
    const error = checkVariable(variables[name], usedAt.get(name) ?? [name]);
    if (error) return error;
  }
  return null;
}

/** Apollo Server plugin: refuses a request whose input holds a forbidden character, before execution. */
export function inputCharactersPlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          const error = checkInputCharacters(document, request.variables);
          if (error) throw error;
        },
      };
    },
  };
}
