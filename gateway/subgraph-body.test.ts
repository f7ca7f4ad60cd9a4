import { jsonOfVariables, subgraphBody } from './subgraph-body.js';

describe('subgraphBody', () => {
  const representations = [{ __typename: 'Post', id: '0192a7b4-0000-7000-8000-000000000001' }, { __typename: 'User', id: 'line\nbreak "quoted" \u2028 ✓' }];
  test.each([
    ['a query alone', { query: '{ me { id } }', variables: undefined, operationName: undefined }],
    ['variables and a name', { query: 'query Q__likes__1($representations:[_Any!]!){_entities(representations:$representations){...on Post{likeCount}}}', variables: { representations }, operationName: 'Q__likes__1' }],
    ['empty variables', { query: 'query { a }', variables: {}, operationName: 'A' }],
    ['nested values and a date', { query: 'query ($since: DateTime) { popularPosts(since: $since) { id } }', variables: { since: new Date(Date.UTC(2026, 11, 5)), first: null, list: [1, 'two', { three: true }] }, operationName: undefined }],
  ])('is the JSON of query, variables and operation name: %s', (_name, request) => {
    expect(subgraphBody(request)).toBe(JSON.stringify(request));
    expect(JSON.parse(subgraphBody(request))).toEqual(JSON.parse(JSON.stringify(request)));
  });

  test('a variables object is serialised once, however often it is asked for', () => {
    let serialised = 0;
    // JSON.stringify calls toJSON each time it serialises the object holding it.
    const variables = { representations, probe: { toJSON: () => (serialised += 1) } };
    const first = jsonOfVariables(variables);
    expect(jsonOfVariables(variables)).toBe(first);
    expect(subgraphBody({ query: 'q', variables, operationName: undefined })).toBe(`{"query":"q","variables":${first}}`);
    expect(serialised).toBe(1);
    expect(jsonOfVariables({ ...variables })).not.toBe(first);
    expect(serialised).toBe(2);
  });
});
