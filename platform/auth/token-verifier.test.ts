import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, SignJWT } from 'jose';
import { createTokenVerifier, viewerFromAuthorization } from './token-verifier.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const options = { issuer: 'supergraph-users', audience: 'supergraph' };
const verifier = createTokenVerifier({ key: { publicKey }, ...options });
const USER = '01900000-0000-7000-8000-000000000001';

const token = (overrides: { typ?: string; iss?: string; aud?: string; exp?: number; role?: unknown; sub?: string; key?: typeof privateKey } = {}) =>
  new SignJWT({ role: 'role' in overrides ? overrides.role : 'USER' })
    .setProtectedHeader({ alg: 'EdDSA', typ: overrides.typ ?? 'at+jwt', kid: 'k1' })
    .setSubject(overrides.sub ?? USER)
    .setIssuer(overrides.iss ?? options.issuer)
    .setAudience(overrides.aud ?? options.audience)
    .setIssuedAt()
    .setExpirationTime(overrides.exp ?? '5m')
    .sign(overrides.key ?? privateKey);

test('a valid access token yields its viewer', async () => {
  await expect(verifier.verify(await token({ role: 'ADMIN' }))).resolves.toMatchObject({ id: USER, role: 'ADMIN', expiresAt: expect.any(Number) });
});

test.each([
  ['another type (a refresh or ID token)', { typ: 'JWT' }],
  ['another issuer', { iss: 'someone-else' }],
  ['another audience', { aud: 'another-api' }],
  ['an expired one', { exp: Math.floor(Date.now() / 1000) - 5 }],
  ['an unknown role', { role: 'ROOT' }],
  ['another key', { key: generateKeyPairSync('ed25519').privateKey }],
])('refuses %s as UNAUTHENTICATED', async (_label, overrides) => {
  await expect(verifier.verify(await token(overrides))).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
});

test('refuses an HS256 token even when signed with the public key bytes (algorithm confusion)', async () => {
  const forged = await new SignJWT({ role: 'ADMIN' })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setSubject(USER)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setExpirationTime('5m')
    .setIssuedAt()
    .sign(publicKey.export({ format: 'der', type: 'spki' }));
  await expect(verifier.verify(forged)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
});

test('verifies against a JWKS endpoint', async () => {
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'EdDSA', use: 'sig' };
  const server = createServer((_request, response) => response.end(JSON.stringify({ keys: [jwk] }))).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const remote = createTokenVerifier({ key: { jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks` }, ...options });
    await expect(remote.verify(await token())).resolves.toMatchObject({ id: USER });
  } finally {
    server.close();
  }
});

test('the Authorization header: none is anonymous, anything but a valid bearer token is refused', async () => {
  await expect(viewerFromAuthorization(undefined, verifier)).resolves.toBeNull();
  await expect(viewerFromAuthorization(`bearer ${await token()}`, verifier)).resolves.toMatchObject({ id: USER });
  await expect(viewerFromAuthorization('Basic abc', verifier)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  await expect(viewerFromAuthorization('Bearer', verifier)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
});

test('a remembered token still stops being valid when it expires', async () => {
  let clock = Date.now();
  const timed = createTokenVerifier({ key: { publicKey }, ...options, now: () => clock });
  const shortLived = await token({ exp: Math.floor(clock / 1000) + 60 });
  await expect(timed.verify(shortLived)).resolves.toMatchObject({ id: USER });
  await expect(timed.verify(shortLived)).resolves.toMatchObject({ id: USER });
  clock += 61_000;
  await expect(timed.verify(shortLived)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
});

test('a validly signed token whose subject is not a UUID is UNAUTHENTICATED', async () => {
  for (const sub of ['not-a-uuid', '', `${USER}\u0000`, "1' OR '1'='1"]) {
    await expect(verifier.verify(await token({ sub }))).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  }
});
