import type { GraphQLError} from 'graphql';
import { Lexer, Source, TokenKind } from 'graphql';
import type { SecuritySettings } from '../config.js';
import type { GatewayPlugin } from '../plugin.js';
import { tooMuch } from './limits.js';

type DocumentLimits = Pick<SecuritySettings, 'maxCharacters' | 'maxTokens' | 'maxDirectives' | 'maxAliases' | 'maxNesting'>;

/**
 * graphql-armor's character, token, directive and alias limits, and a bound on nesting, read
 * off the lexer in one pass before anything is parsed: a document that breaks one costs at
 * most `maxTokens` tokens of work, never a parse, a validation or a plan (2,000 nested
 * inline fragments overflowed the planner's stack). Aliases are the `:` outside parentheses
 * (inside them `:` separates arguments, variables and object fields).
 */
function documentLimitErrors(query: string, limits: DocumentLimits): GraphQLError[] {
  if (query.length > limits.maxCharacters) return [tooMuch('characters', `The document is longer than ${limits.maxCharacters} characters.`)];
  const lexer = new Lexer(new Source(query));
  let tokens = 0;
  let directives = 0;
  let aliases = 0;
  let nesting = 0;
  let parentheses = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++tokens > limits.maxTokens) return [tooMuch('tokens', `The document has more than ${limits.maxTokens} tokens.`)];
      switch (token.kind) {
        case TokenKind.AT:
          if (++directives > limits.maxDirectives) return [tooMuch('directives', `The document has more than ${limits.maxDirectives} directives.`)];
          break;
        case TokenKind.COLON:
          if (parentheses === 0 && ++aliases > limits.maxAliases) return [tooMuch('aliases', `The document has more than ${limits.maxAliases} aliases.`)];
          break;
        // Brackets too: a list value or type nested thousands deep is as deep a recursion for the parser.
        case TokenKind.BRACE_L:
        case TokenKind.BRACKET_L:
          if (++nesting > limits.maxNesting) return [tooMuch('nesting', `The document nests more than ${limits.maxNesting} levels of braces and brackets.`)];
          break;
        case TokenKind.BRACE_R:
        case TokenKind.BRACKET_R:
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
 * Applies `documentLimitErrors` to every operation's text as it arrives, over HTTP (in the
 * request's context, before Apollo Server parses) and WebSocket (before graphql-ws's
 * `onSubscribe` parses). A hook inside Apollo Server's pipeline would come too late: its
 * document cache is read after `didResolveSource`, and on a miss it parses and validates
 * whatever the hook did. An APQ hash alone carries no text: the text it stands for was
 * checked when it was registered, since a refused document is never registered.
 */
export function documentLimits(limits: DocumentLimits, onRejected: (errors: readonly GraphQLError[]) => void): GatewayPlugin {
  return {
    name: 'document-limits',
    async admit(_client, source) {
      if (source === undefined) return;
      const [refusal] = documentLimitErrors(source, limits);
      if (!refusal) return;
      onRejected([refusal]);
      throw refusal;
    },
  };
}
