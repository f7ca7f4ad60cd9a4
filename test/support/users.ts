import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from './databases.js';
import { dataOf } from './graphql.js';
import type { TestSupergraph } from './supergraph.js';
import { mintAccessToken } from './tokens.js';

export interface TestUser {
  id: string;
  username: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

const REGISTER = `mutation ($input: RegisterInput!) {
  register(input: $input) { accessToken refreshToken user { id username email } }
}`;

/** Registers a user with a unique name through the gateway. */
export async function registerUser(supergraph: TestSupergraph, prefix = 'user'): Promise<TestUser> {
  const username = `${prefix}_${randomBytes(4).toString('hex')}`;
  const password = 'correct horse battery staple';
  const { register } = dataOf(
    await supergraph.request<{ register: { accessToken: string; refreshToken: string; user: { id: string; username: string; email: string } } }>(REGISTER, {
      input: { username, email: `${username}@example.com`, password },
    }),
  );
  return { ...register.user, password, accessToken: register.accessToken, refreshToken: register.refreshToken };
}

/** Promotes the user to ADMIN (as an operator would, in the database) and returns a token carrying the role. */
export async function makeAdmin(supergraph: TestSupergraph, user: TestUser): Promise<string> {
  await sql(supergraph.databaseUrls['users']!, `UPDATE users SET role = 'ADMIN' WHERE id = $1`, [user.id]);
  const login = await supergraph.request<{ login: { accessToken: string } }>('mutation ($u: String!, $p: String!) { login(usernameOrEmail: $u, password: $p) { accessToken } }', {
    u: user.username,
    p: user.password,
  });
  return dataOf(login).login.accessToken;
}

/**
 * `count` signed-in users without the cost of registering each (argon2): their account rows
 * are written into the users database at once, and their tokens minted with its key. The
 * accounts must exist: every write checks that its token's account still does.
 */
export async function quickAccounts(supergraph: TestSupergraph, count: number): Promise<Array<{ id: string; accessToken: string }>> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await sql(
    supergraph.databaseUrls['users']!,
    `INSERT INTO users (id, username, username_key, email, password_hash, updated_at)
     SELECT id, 'v' || left(replace(id::text, '-', ''), 29), 'v' || left(replace(id::text, '-', ''), 29), id::text || '@example.com', 'not a hash', now()
     FROM unnest($1::uuid[]) AS id`,
    [ids],
  );
  return Promise.all(ids.map(async (id) => ({ id, accessToken: await mintAccessToken(supergraph.signingKeyPem, { sub: id, role: 'USER' }) })));
}
