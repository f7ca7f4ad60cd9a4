import { parse } from 'graphql';
import { limitErrors } from './limits.js';

const messages = (query: string, variables?: Record<string, unknown>) => limitErrors(parse(query), variables).map((error) => error.message);

test('first up to 100 passes, in literals, variables and defaults', () => {
  expect(messages('{ users(first: 100) { totalCount } }')).toEqual([]);
  expect(messages('query ($n: Int = 100) { users(first: $n) { totalCount } }')).toEqual([]);
  expect(messages('query ($n: Int = 500) { users(first: $n) { totalCount } }', { n: 5 })).toEqual([]);
  expect(messages('query ($n: Int) { users(first: $n) { totalCount } }', {})).toEqual([]);
});

test('first above 100 is reported wherever it is, fragments included', () => {
  expect(messages('{ users(first: 101) { totalCount } }')).toEqual(['first must be at most 100 (users asked for 101).']);
  expect(messages('query ($n: Int) { a: users(first: $n) { totalCount } }', { n: 1000 })).toEqual(['first must be at most 100 (users asked for 1000).']);
  expect(messages('query ($n: Int = 500) { users(first: $n) { totalCount } }')).toHaveLength(1);
  expect(messages('{ me { ...F } } fragment F on User { followers(first: 200) { totalCount } following(first: 300) { totalCount } }')).toHaveLength(2);
});

test('the error is BAD_USER_INPUT, HTTP 400', () => {
  const [error] = limitErrors(parse('{ users(first: 101) { totalCount } }'), undefined);
  expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first', http: { status: 400 } });
});
