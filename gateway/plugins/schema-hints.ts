import type { GraphQLFormattedError } from 'graphql';

/**
 * graphql-js ends messages with "Did you mean …?" in validation and in variable coercion
 * (`Field "usernme" is not defined by type "RegisterInput". Did you mean "username"?`).
 * Apollo Server's `hideSchemaDetailsFromClientErrors` strips them from validation errors only.
 */
export const withoutSchemaHints = (message: string): string => message.replace(/ Did you mean [^?]+\?/g, '');

/**
 * For `formatError`: without introspection, a hint would reveal the schema field by field,
 * so none reaches a client, over HTTP or WebSocket (graphql-armor's block-field-suggestions).
 */
export const hideSchemaHints = (error: GraphQLFormattedError): GraphQLFormattedError =>
  error.message.includes('Did you mean') ? { ...error, message: withoutSchemaHints(error.message) } : error;
