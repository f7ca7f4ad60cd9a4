import { loadUsersConfig } from './config.js';
import { manifest } from './manifest.js';

test('the users subgraph requires its database and a signing key, and keeps secrets out of errors', () => {
  expect(() => loadUsersConfig({ JWT_PRIVATE_KEY: 'x' }, manifest)).toThrow(/USERS_DATABASE_URL/);
  expect(() => loadUsersConfig({ USERS_DATABASE_URL: 'postgresql://u:s3cret@db/users' }, manifest)).toThrow(/JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE: required/);
  expect(() => loadUsersConfig({ USERS_DATABASE_URL: 'mysql://u:s3cret@db/users', JWT_PRIVATE_KEY: 'x' }, manifest)).not.toThrow(/s3cret/);
});

test('every subgraph shares the internal secret with the gateway: a development default, required in production', () => {
  const env = { USERS_DATABASE_URL: 'postgresql://db/users', JWT_PRIVATE_KEY: 'x' };
  expect(loadUsersConfig(env, manifest).internalSecret).toBe('dev-internal-secret-change-me');
  expect(() => loadUsersConfig({ ...env, NODE_ENV: 'production' }, manifest)).toThrow(/INTERNAL_SECRET: required in production/);
  expect(loadUsersConfig({ ...env, NODE_ENV: 'production', INTERNAL_SECRET: 's'.repeat(32) }, manifest).internalSecret).toBe('s'.repeat(32));
});
