export interface GraphQLErrorShape {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string; field?: string; [key: string]: unknown };
}

export interface GraphQLResult<T> {
  status: number;
  data?: T | null;
  errors?: GraphQLErrorShape[];
}

export interface RequestOptions {
  token?: string | undefined;
  headers?: Record<string, string>;
}

/** POSTs a GraphQL operation the way a browser client does. */
export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  { token, headers = {} }: RequestOptions = {},
): Promise<GraphQLResult<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<GraphQLResult<T>, 'status'>) };
}

/** The error codes of a result, in order. */
export const errorCodes = (result: GraphQLResult<unknown>): Array<string | undefined> =>
  (result.errors ?? []).map((error) => error.extensions?.code);

/** The data of a result that must have succeeded; fails the test with the errors otherwise. */
export function dataOf<T>(result: GraphQLResult<T>): T {
  if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}
