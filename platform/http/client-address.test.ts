import { quotaKey } from './client-address.js';

test('an IPv4 address is its own quota key', () => {
  expect(quotaKey('203.0.113.7')).toBe('203.0.113.7');
});

test('IPv6 addresses of one /64 share a key, whatever their spelling; another /64 has its own', () => {
  const key = quotaKey('2001:db8:1:2::1');
  expect(key).toBe('2001:db8:1:2::/64');
  expect(quotaKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe(key);
  expect(quotaKey('2001:0DB8:0001:0002:abcd:0:0:9')).toBe(key);
  expect(quotaKey('2001:db8:1:2:a:b:1.2.3.4')).toBe(key);
  expect(quotaKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
  expect(quotaKey('::1')).toBe('0:0:0:0::/64');
  expect(quotaKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
});

test('an IPv4-mapped IPv6 address is the IPv4 address', () => {
  expect(quotaKey('::ffff:1.2.3.4')).toBe('1.2.3.4');
  expect(quotaKey('::ffff:102:304')).toBe('1.2.3.4');
  expect(quotaKey('::FFFF:203.0.113.7')).toBe('203.0.113.7');
});

test('what is not an IP address is kept', () => {
  expect(quotaKey('unknown')).toBe('unknown');
});
