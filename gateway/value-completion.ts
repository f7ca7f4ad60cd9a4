import { GraphQLError } from 'graphql';

interface ExecutionResultLike {
  data?: unknown;
  errors?: readonly GraphQLError[];
  extensions?: Record<string, unknown>;
}

/**
 * `@apollo/gateway` reports fields it had to null after the fact (an entity a subgraph no
 * longer has, say) only in `extensions.valueCompletion`, and only when nothing else failed:
 * a client would get `data: null` and no error. They are errors; they become errors.
 */
export function surfaceValueCompletion<Result extends ExecutionResultLike>(result: Result): Result {
  const completion = result.extensions?.['valueCompletion'];
  if (!Array.isArray(completion) || completion.length === 0) return result;
  const { valueCompletion: _moved, ...extensions } = result.extensions ?? {};
  const errors = completion.map((error: unknown) =>
    error instanceof GraphQLError ? error : new GraphQLError(String((error as { message?: unknown }).message ?? error)),
  );
  return { ...result, errors: [...(result.errors ?? []), ...errors], extensions: Object.keys(extensions).length > 0 ? extensions : undefined };
}
