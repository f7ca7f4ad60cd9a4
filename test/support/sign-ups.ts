import { randomBytes } from 'node:crypto';
import { Agent, fetch as undiciFetch } from 'undici';
import { errorCodes } from './graphql.js';
import type { GraphQLResult } from './graphql.js';
import { openSocket } from './ws.js';

const REGISTER = 'mutation ($input: RegisterInput!) { register(input: $input) { user { id } } }';

export interface SignUpOptions {
  /** Headers each request carries (a spoofed X-Forwarded-For, the internal secret). */
  headers?: () => Record<string, string>;
  /** Usernames start with it, so a test can count its accounts. */
  prefix?: string;
}

const signUp = (prefix: string): { query: string; variables: Record<string, unknown> } => {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  return { query: REGISTER, variables: { input: { username: name, email: `${name}@example.com`, password: 'long enough password' } } };
};

/**
 * `count` sign-ups (`register`), one HTTP request each, sent to `url` from the loopback
 * address `from` (all of 127/8 is this machine): per-address quotas see distinct clients.
 */
export async function signUpsFrom(url: string, from: string, count: number, { headers = () => ({}), prefix = 'signup' }: SignUpOptions = {}): Promise<Array<GraphQLResult<unknown>>> {
  const dispatcher = new Agent({ localAddress: from });
  try {
    const results: Array<GraphQLResult<unknown>> = [];
    for (let index = 0; index < count; index += 1) {
      const response = await undiciFetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers() }, body: JSON.stringify(signUp(prefix)), dispatcher });
      results.push({ status: response.status, ...((await response.json()) as object) });
    }
    return results;
  } finally {
    await dispatcher.close();
  }
}

/** As `signUpsFrom`, over one graphql-ws socket to the gateway opened from `from`. */
export async function signUpsOverSocketFrom(url: string, from: string, count: number, { prefix = 'signup' }: SignUpOptions = {}): Promise<Array<GraphQLResult<unknown>>> {
  const socket = openSocket(url, { localAddress: from });
  try {
    const results: Array<GraphQLResult<unknown>> = [];
    for (let index = 0; index < count; index += 1) {
      const { query, variables } = signUp(prefix);
      results.push({ status: 200, ...(await socket.subscribe(query, variables).next()) } as GraphQLResult<unknown>);
    }
    return results;
  } finally {
    await socket.dispose();
  }
}

/** Each result's first error code, or `ok`. */
export const outcomes = (results: Array<GraphQLResult<unknown>>): string[] => results.map((result) => errorCodes(result)[0] ?? 'ok');
