import { ClientQuotas } from './client-quotas.js';

test('a signed-in user is held to the quota across addresses; released slots come back', () => {
  const quotas = new ClientQuotas(2);
  const first = quotas.acquire({ address: '203.0.113.1', userId: 'user-1' });
  const second = quotas.acquire({ address: '203.0.113.2', userId: 'user-1' });
  expect(first && second).toBeDefined();
  expect(quotas.acquire({ address: '203.0.113.3', userId: 'user-1' })).toBeUndefined();
  // Another user, and the same addresses signed out, are not held by user-1's quota.
  expect(quotas.acquire({ address: '203.0.113.3', userId: 'user-2' })).toBeDefined();
  first!();
  first!();
  expect(quotas.acquire({ address: '203.0.113.4', userId: 'user-1' })).toBeDefined();
  expect(quotas.acquire({ address: '203.0.113.5', userId: 'user-1' })).toBeUndefined();
});

test('many users behind one address are held by the address quota; an IPv6 /64 is one address', () => {
  const quotas = new ClientQuotas(2);
  expect(quotas.acquire({ address: '2001:db8:9:9::1', userId: 'a' })).toBeDefined();
  expect(quotas.acquire({ address: '2001:db8:9:9::2', userId: 'b' })).toBeDefined();
  expect(quotas.acquire({ address: '2001:db8:9:9:1::3', userId: 'c' })).toBeUndefined();
  expect(quotas.acquire({ address: '2001:db8:9:a::1', userId: 'c' })).toBeDefined();
});
