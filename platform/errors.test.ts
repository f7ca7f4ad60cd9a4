import { formatError } from './errors.js';

const internal = {
  message: 'insert into "users" failed: duplicate key (password_hash)',
  extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at db.ts:10'], serviceName: 'users' },
};

test('in production internal errors lose their message and everything but the code', () => {
  expect(formatError(internal, { production: true })).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
});

test('in production client errors keep their message and public extensions only', () => {
  const formatted = formatError({ message: 'first must be at most 100.', path: ['users'], extensions: { code: 'BAD_USER_INPUT', field: 'first', exception: { x: 1 } } }, { production: true });
  expect(formatted).toEqual({ message: 'first must be at most 100.', path: ['users'], extensions: { code: 'BAD_USER_INPUT', field: 'first' } });
});

test.each([
  ['GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT'],
  ['GRAPHQL_PARSE_FAILED', 'BAD_USER_INPUT'],
  // Apollo Client's APQ link retries with the full query only on this exact code.
  ['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_FOUND'],
  ['PERSISTED_QUERY_NOT_SUPPORTED', 'PERSISTED_QUERY_NOT_SUPPORTED'],
  ['OPERATION_RESOLUTION_FAILURE', 'BAD_USER_INPUT'],
  ['DOWNSTREAM_SERVICE_ERROR', 'INTERNAL_SERVER_ERROR'],
  [undefined, 'INTERNAL_SERVER_ERROR'],
  ['CONFLICT', 'CONFLICT'],
])('the code %s is folded into %s', (code, expected) => {
  expect(formatError({ message: 'x', extensions: code ? { code } : {} }, { production: false }).extensions?.['code']).toBe(expected);
});

test('in development messages and stack traces stay for debugging', () => {
  expect(formatError(internal, { production: false })).toEqual(internal);
});
