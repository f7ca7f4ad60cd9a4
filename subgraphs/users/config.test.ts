import { loadUsersConfig } from './config.js';
import { manifest } from './manifest.js';

test('the users subgraph requires its database and a signing key, and keeps secrets out of errors', () => {
  expect(() => loadUsersConfig({ JWT_PRIVATE_KEY: 'x' }, manifest)).toThrow(/USERS_DATABASE_URL/);
  expect(() => loadUsersConfig({ USERS_DATABASE_URL: 'postgresql://u:s3cret@db/users' }, manifest)).toThrow(/JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE: required/);
  expect(() => loadUsersConfig({ USERS_DATABASE_URL: 'mysql://u:s3cret@db/users', JWT_PRIVATE_KEY: 'x' }, manifest)).not.toThrow(/s3cret/);
});
