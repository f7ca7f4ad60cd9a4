import { DEV_INTERNAL_SECRET, internalSecretWarning } from './env.js';

test('production on the development internal secret is warned about; any other secret, or development, is not', () => {
  expect(internalSecretWarning(DEV_INTERNAL_SECRET, true)).toMatch(/INTERNAL_SECRET is the development default in production/);
  expect(internalSecretWarning('a-secret-of-our-own-0123456789', true)).toBeUndefined();
  expect(internalSecretWarning(DEV_INTERNAL_SECRET, false)).toBeUndefined();
});
