import { dataOf, errorCodes } from './support/graphql.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';
import { mintAccessToken } from './support/tokens.js';
import { registerUser } from './support/users.js';

const AUTH_FIELDS = 'accessToken refreshToken expiresIn user { id username email role }';
interface Auth {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: { id: string; username: string; email: string | null; role: string };
}

let supergraph: TestSupergraph;
beforeAll(async () => {
  supergraph = await startTestSupergraph();
});
afterAll(() => supergraph.stop());

const login = (usernameOrEmail: string, password: string) =>
  supergraph.request<{ login: Auth }>(`mutation ($u: String!, $p: String!) { login(usernameOrEmail: $u, password: $p) { ${AUTH_FIELDS} } }`, {
    u: usernameOrEmail,
    p: password,
  });
const refresh = (refreshToken: string) =>
  supergraph.request<{ refreshToken: Auth }>(`mutation ($t: String!) { refreshToken(refreshToken: $t) { ${AUTH_FIELDS} } }`, { t: refreshToken });
const me = (token: string) => supergraph.request<{ me: { id: string; username: string } | null }>('{ me { id username } }', {}, { token });

describe('register', () => {
  test('creates the account and signs it in', async () => {
    const result = await supergraph.request<{ register: Auth }>(`mutation ($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`, {
      input: { username: 'Register_Me', email: ' Register.Me@Example.COM ', password: 'a long enough password', displayName: '  Reg  ' },
    });
    const { register } = dataOf(result);
    expect(register.user).toMatchObject({ username: 'Register_Me', email: 'register.me@example.com', role: 'USER' });
    expect(register.expiresIn).toBe(900);
    expect(register.refreshToken).toMatch(/^[\w-]{43}$/);
    expect(dataOf(await me(register.accessToken)).me).toEqual({ id: register.user.id, username: 'Register_Me' });
  });

  test.each([
    [{ username: 'ab' }, 'username'],
    [{ username: 'has space' }, 'username'],
    [{ username: 'x'.repeat(31) }, 'username'],
    [{ username: 'dash-ed' }, 'username'],
    [{ email: 'not-an-email' }, 'email'],
    [{ email: 'two@@example.com' }, 'email'],
    [{ password: 'nine char' }, 'password'],
    [{ password: 'p'.repeat(257) }, 'password'],
    [{ displayName: 'd'.repeat(51) }, 'displayName'],
  ])('refuses %j as BAD_USER_INPUT naming %s, and writes nothing', async (override, field) => {
    const username = `bad_${Math.random().toString(36).slice(2, 10)}`;
    const input = { username, email: `${username}@example.com`, password: 'a long enough password', ...override };
    const result = await supergraph.request(`mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }`, { input });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.field).toBe(field);
    const found = dataOf(await supergraph.request<{ userByUsername: unknown }>('query ($u: String!) { userByUsername(username: $u) { id } }', { u: username }));
    expect(found.userByUsername).toBeNull();
  });

  test('a taken username, in any case, or a taken email is a CONFLICT', async () => {
    const taken = await registerUser(supergraph, 'taken');
    const register = (username: string, email: string) =>
      supergraph.request('mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }', {
        input: { username, email, password: 'a long enough password' },
      });
    const sameName = await register(taken.username.toUpperCase(), 'other-address@example.com');
    expect(errorCodes(sameName)).toEqual(['CONFLICT']);
    expect(sameName.errors?.[0]?.extensions?.field).toBe('username');
    const sameEmail = await register('someone_else_x', taken.email.toUpperCase());
    expect(errorCodes(sameEmail)).toEqual(['CONFLICT']);
    expect(sameEmail.errors?.[0]?.extensions?.field).toBe('email');
  });
});

describe('login', () => {
  test('accepts the username in any case or the email', async () => {
    const user = await registerUser(supergraph, 'login');
    for (const identifier of [user.username, user.username.toUpperCase(), user.email, ` ${user.email.toUpperCase()} `]) {
      const { login: auth } = dataOf(await login(identifier, user.password));
      expect(auth.user).toMatchObject({ id: user.id, email: user.email });
      expect(dataOf(await me(auth.accessToken)).me?.id).toBe(user.id);
    }
  });

  test('wrong credentials are UNAUTHENTICATED with one message whatever was wrong', async () => {
    const user = await registerUser(supergraph, 'wrong');
    const wrongPassword = await login(user.username, 'not the password at all');
    const unknownUser = await login('nobody_by_this_name', user.password);
    const unknownEmail = await login('nobody@example.com', user.password);
    for (const result of [wrongPassword, unknownUser, unknownEmail]) {
      expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
      expect(result.errors?.[0]?.message).toBe(wrongPassword.errors?.[0]?.message);
    }
  });

  test('ten wrong passwords for one name pause its sign-in with RATE_LIMITED; other names are unaffected', async () => {
    const [target, bystander] = [await registerUser(supergraph, 'guarded'), await registerUser(supergraph, 'bystander')];
    for (let attempt = 0; attempt < 10; attempt += 1) expect(errorCodes(await login(target.username, 'not the password'))).toEqual(['UNAUTHENTICATED']);
    const blocked = await login(target.username, target.password);
    expect(errorCodes(blocked)).toEqual(['RATE_LIMITED']);
    expect(blocked.errors?.[0]?.extensions?.['retryAfterSeconds']).toEqual(expect.any(Number));
    expect(dataOf(await login(bystander.username, bystander.password)).login.user.id).toBe(bystander.id);
  });

  test('a successful sign-in clears the failures', async () => {
    const user = await registerUser(supergraph, 'forgetful');
    for (let attempt = 0; attempt < 9; attempt += 1) await login(user.username, 'not the password');
    dataOf(await login(user.username, user.password));
    for (let attempt = 0; attempt < 9; attempt += 1) await login(user.username, 'not the password');
    expect(dataOf(await login(user.username, user.password)).login.user.id).toBe(user.id);
  });
});

describe('refresh tokens', () => {
  test('rotate: each use returns a new token, and the access token works', async () => {
    const user = await registerUser(supergraph, 'rotate');
    const first = dataOf(await refresh(user.refreshToken)).refreshToken;
    expect(first.refreshToken).not.toBe(user.refreshToken);
    const second = dataOf(await refresh(first.refreshToken)).refreshToken;
    expect(second.user.id).toBe(user.id);
    expect(dataOf(await me(second.accessToken)).me?.id).toBe(user.id);
  });

  test('a spent token presented again revokes its whole family, and only that family', async () => {
    const user = await registerUser(supergraph, 'reuse');
    const otherSession = dataOf(await login(user.username, user.password)).login;
    const rotated = dataOf(await refresh(user.refreshToken)).refreshToken;
    const replay = await refresh(user.refreshToken);
    expect(errorCodes(replay)).toEqual(['UNAUTHENTICATED']);
    // The family's newest token died with it…
    expect(errorCodes(await refresh(rotated.refreshToken))).toEqual(['UNAUTHENTICATED']);
    // …but the session from the separate login lives on.
    expect(dataOf(await refresh(otherSession.refreshToken)).refreshToken.user.id).toBe(user.id);
  });

  test('two concurrent uses of one token: one wins, and the replay ends the family', async () => {
    const user = await registerUser(supergraph, 'race');
    const results = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
    const winners = results.filter((result) => !result.errors);
    expect(winners.length).toBe(1);
    expect(errorCodes(await refresh(winners[0]!.data!.refreshToken.refreshToken))).toEqual(['UNAUTHENTICATED']);
  });

  test('an unknown token is UNAUTHENTICATED', async () => {
    expect(errorCodes(await refresh('definitely-not-a-token'))).toEqual(['UNAUTHENTICATED']);
  });
});

test('logout ends the session of its refresh token', async () => {
  const user = await registerUser(supergraph, 'logout');
  const logout = (token: string) => supergraph.request<{ logout: boolean }>('mutation ($t: String!) { logout(refreshToken: $t) }', { t: token });
  expect(dataOf(await logout(user.refreshToken)).logout).toBe(true);
  expect(errorCodes(await refresh(user.refreshToken))).toEqual(['UNAUTHENTICATED']);
  expect(dataOf(await logout('unknown-token')).logout).toBe(false);
});

describe('changePassword', () => {
  const changePassword = (token: string, currentPassword: string, newPassword: string) =>
    supergraph.request<{ changePassword: boolean }>('mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }', { c: currentPassword, n: newPassword }, { token });

  test('changes the password and revokes every refresh token', async () => {
    const user = await registerUser(supergraph, 'chpw');
    const otherSession = dataOf(await login(user.username, user.password)).login;
    expect(dataOf(await changePassword(user.accessToken, user.password, 'a brand new password')).changePassword).toBe(true);
    expect(errorCodes(await refresh(user.refreshToken))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await refresh(otherSession.refreshToken))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await login(user.username, user.password))).toEqual(['UNAUTHENTICATED']);
    expect(dataOf(await login(user.username, 'a brand new password')).login.user.id).toBe(user.id);
  });

  test('refuses a wrong current password, a too-short new one, and anonymous callers', async () => {
    const user = await registerUser(supergraph, 'chpwbad');
    const wrong = await changePassword(user.accessToken, 'not my password', 'a brand new password');
    expect(errorCodes(wrong)).toEqual(['BAD_USER_INPUT']);
    expect(wrong.errors?.[0]?.extensions?.field).toBe('currentPassword');
    const short = await changePassword(user.accessToken, user.password, 'short');
    expect(short.errors?.[0]?.extensions?.field).toBe('newPassword');
    expect(errorCodes(await supergraph.request('mutation { changePassword(currentPassword: "x", newPassword: "yyyyyyyyyyyy") }'))).toEqual(['UNAUTHENTICATED']);
    // Nothing changed: the old password still signs in.
    expect(dataOf(await login(user.username, user.password)).login.user.id).toBe(user.id);
  });
});

describe('access tokens', () => {
  test.each([
    ['garbage', async () => 'not.a.jwt'],
    ['expired', () => mintAccessToken(supergraph.signingKeyPem, { role: 'USER', exp: Math.floor(Date.now() / 1000) - 60 })],
    ['of another type', () => mintAccessToken(supergraph.signingKeyPem, { role: 'USER', typ: 'JWT' })],
    ['without a role', () => mintAccessToken(supergraph.signingKeyPem)],
  ])('a token that is %s is refused with HTTP 401 UNAUTHENTICATED at the gateway', async (_label, token) => {
    const result = await me(await token());
    expect(result.status).toBe(401);
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  test('a non-bearer Authorization header is refused', async () => {
    const result = await supergraph.request('{ me { id } }', {}, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(result.status).toBe(401);
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  test('the users subgraph publishes its public key as a JWKS', async () => {
    const jwksUrl = new URL('/.well-known/jwks.json', supergraph.subgraphs['users']!.url);
    const jwks = (await (await fetch(jwksUrl)).json()) as { keys: Array<Record<string, string>> };
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: expect.any(String) })]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });
});
