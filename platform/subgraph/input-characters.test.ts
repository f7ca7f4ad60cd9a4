import { parse } from 'graphql';
import { checkInputCharacters } from './input-characters.js';

const check = (query: string, variables?: Record<string, unknown>) => {
  const error = checkInputCharacters(parse(query), variables);
  return error && { message: error.message, ...error.extensions };
};

test('a forbidden character in a literal names the argument, or the input field within it', () => {
  expect(check('mutation { login(usernameOrEmail: "ada\\u0000", password: "x") { id } }')).toMatchObject({ code: 'BAD_USER_INPUT', field: 'usernameOrEmail' });
  expect(check('mutation { register(input: { email: "a\\u0001@b.c" }) { id } }')).toMatchObject({ field: 'email', message: expect.stringContaining('input.email') });
  expect(check('mutation { createPoll(input: { options: ["ok", "no\\u001b"] }) { id } }')).toMatchObject({ field: 'options' });
  expect(check('query ($s: String = "x\\u0000") { users(search: $s) { id } }')).toMatchObject({ field: 's' });
});

test('a forbidden character in a variable is named by where the document uses the variable', () => {
  expect(check('mutation ($u: String!) { login(usernameOrEmail: $u, password: "x") { id } }', { u: 'ada\u0000' })).toMatchObject({ field: 'usernameOrEmail' });
  expect(check('mutation ($i: RegisterInput!) { register(input: $i) { id } }', { i: { email: 'a\u0000@b.c' } })).toMatchObject({
    field: 'email',
    message: expect.stringContaining('input.email'),
  });
  expect(check('mutation ($e: String!) { register(input: { email: $e }) { id } }', { e: '\ud800' })).toMatchObject({ field: 'email' });
  expect(check('mutation ($o: [String!]!) { createPoll(input: { options: $o }) { id } }', { o: ['a', 'b\uffff'] })).toMatchObject({ field: 'options' });
  expect(check('query { me { id } }', { unused: 'x\u0000' })).toMatchObject({ field: 'unused' });
});

test('clean input, tabs and newlines and non-string values pass', () => {
  expect(check('mutation ($b: String!, $n: Int) { createPost(body: $b, first: $n) { id } }', { b: 'line\none\ttab\r\n😀', n: 3 })).toBeNull();
  expect(check('{ users(search: "ünïcødé", first: 10) { id } }')).toBeNull();
  expect(check('query ($x: JSON) { a(x: $x) }', { x: { nested: [1, true, null, 'fine'] } })).toBeNull();
});
