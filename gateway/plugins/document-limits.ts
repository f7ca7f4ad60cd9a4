import { GraphQLError, Lexer, parse, Source, TokenKind } from 'graphql';
import type { DocumentNode } from 'graphql';
import type { SecuritySettings } from '../config.js';
import type { GatewayPlugin } from '../plugin.js';

export type DocumentLimits = Pick<SecuritySettings, 'maxCharacters' | 'maxTokens' | 'maxDirectives' | 'maxAliases' | 'maxNesting'>;

const PLACEHOLDER = parse('{ __typename }');

const tooBig = (limit: string, message: string): GraphQLError => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', limit, http: { status: 400 } } });

/**
 * graphql-armor's character, token, directive and alias limits, and a bound on nesting, read
 * off the lexer in one pass before anything is parsed: a document that breaks one costs at
 * most `maxTokens` tokens of work, never a parse, a validation or a plan (2,000 nested
 * inline fragments overflowed the planner's stack). Aliases are the `:` outside parentheses
 * (inside them `:` separates arguments, variables and object fields).
 */
export function documentLimitErrors(query: string, limits: DocumentLimits): GraphQLError[] {
  if (query.length > limits.maxCharacters) return [tooBig('characters', `The document is longer than ${limits.maxCharacters} characters.`)];
  const lexer = new Lexer(new Source(query));
  let tokens = 0;
  let directives = 0;
  let aliases = 0;
  let nesting = 0;
  let parentheses = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++tokens > limits.maxTokens) return [tooBig('tokens', `The document has more than ${limits.maxTokens} tokens.`)];
      switch (token.kind) {
        case TokenKind.AT:
          if (++directives > limits.maxDirectives) return [tooBig('directives', `The document has more than ${limits.maxDirectives} directives.`)];
          break;
        case TokenKind.COLON:
          if (parentheses === 0 && ++aliases > limits.maxAliases) return [tooBig('aliases', `The document has more than ${limits.maxAliases} aliases.`)];
          break;
        case TokenKind.BRACE_L:
          if (++nesting > limits.maxNesting) return [tooBig('nesting', `The document nests more than ${limits.maxNesting} levels of braces.`)];
          break;
        case TokenKind.BRACE_R:
          nesting -= 1;
          break;
        case TokenKind.PAREN_L:
          parentheses += 1;
          break;
        case TokenKind.PAREN_R:
          parentheses -= 1;
          break;
      }
    }
  } catch {
    // A lexical error: the parser reports it with its location.
  }
  return [];
}

/**
 * Applies `documentLimitErrors` to every HTTP request (and WebSocket query, which goes
 * through Apollo Server) once its source is known, before parsing. Apollo Server answers an
 * error thrown here with its `http` status; the telemetry plugin does not see it, so
 * rejections are counted through `onRejected`.
 */
export function documentLimits(limits: DocumentLimits, onRejected: (errors: readonly GraphQLError[]) => void): GatewayPlugin {
  return {
    name: 'document-limits',
    apollo: {
      requestDidStart: async () => {
        let refusal: GraphQLError | undefined;
        return {
          didResolveSource: async (requestContext) => {
            const errors = documentLimitErrors(requestContext.source, limits);
            if (errors.length === 0) return;
            onRejected(errors);
            refusal = errors[0];
            // Apollo Server answers an error thrown here with a 500; a ready document makes it skip
            // parsing and validation, and the refusal is thrown where it is answered with its status.
            (requestContext as { document: DocumentNode }).document = PLACEHOLDER;
          },
          didResolveOperation: async () => {
            if (refusal) throw refusal;
          },
        };
      },
    },
  };
}
