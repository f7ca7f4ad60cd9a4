import { clientKeys } from './client.js';

test('a client is counted under its address (an IPv6 one as its /64) and its user', () => {
  expect(clientKeys({ address: '2001:db8:1:2::99', userId: 'u1' })).toEqual(['address:2001:db8:1:2::/64', 'user:u1']);
  expect(clientKeys({ address: '::ffff:203.0.113.7', userId: undefined })).toEqual(['address:203.0.113.7']);
});
