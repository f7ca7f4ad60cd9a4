import type { GraphQLError } from 'graphql';
import { createLogger } from '../../platform/observability/logger.js';
import type { ClientIdentity } from '../client.js';
import { rateLimit } from './rate-limit.js';

const capture = () => {
  const lines: string[] = [];
  return { lines, logger: createLogger('gateway', 'info', true, { write: (text: string) => lines.push(text) }) };
};

function limiter(max: number, redisUrl?: string) {
  const { lines, logger } = capture();
  const rejected: GraphQLError[] = [];
  const plugin = rateLimit({ max, windowSeconds: 60, redisUrl, redisPrefix: `rate-test-${process.pid}`, logger, onRejected: (errors) => rejected.push(...errors) });
  const admit = async (client: ClientIdentity): Promise<string> => {
    try {
      await plugin.admit!(client, undefined);
      return 'ok';
    } catch (error) {
      return String((error as GraphQLError).extensions['code']);
    }
  };
  return { plugin, admit, rejected, lines };
}

test('in process (no REDIS_URL): `max` operations per address pass, then RATE_LIMITED, counted; another address has its own', async () => {
  const { plugin, admit, rejected } = limiter(3);
  const client = { address: '203.0.113.1', userId: undefined };
  const outcomes = [];
  for (let index = 0; index < 5; index += 1) outcomes.push(await admit(client));
  expect(outcomes).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED']);
  expect(rejected.map((error) => error.extensions['limit'])).toEqual(['rate', 'rate']);
  expect(rejected[0]!.extensions['retryAfterSeconds']).toBeGreaterThan(0);
  expect(await admit({ address: '203.0.113.2', userId: undefined })).toBe('ok');
  await plugin.stop?.();
});

test('a signed-in user is limited across addresses', async () => {
  const { plugin, admit } = limiter(3);
  const outcomes = [];
  for (let index = 0; index < 4; index += 1) outcomes.push(await admit({ address: `198.51.100.${index}`, userId: 'user-1' }));
  expect(outcomes).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED']);
  expect(await admit({ address: '198.51.100.9', userId: 'user-2' })).toBe('ok');
  await plugin.stop?.();
});

test('the addresses of one IPv6 /64 share a quota', async () => {
  const { plugin, admit } = limiter(2);
  expect(await admit({ address: '2001:db8:5:6::1', userId: undefined })).toBe('ok');
  expect(await admit({ address: '2001:db8:5:6::2', userId: undefined })).toBe('ok');
  expect(await admit({ address: '2001:db8:5:6:ffff::3', userId: undefined })).toBe('RATE_LIMITED');
  expect(await admit({ address: '2001:db8:5:7::1', userId: undefined })).toBe('ok');
  await plugin.stop?.();
});

test('with Redis unreachable, each replica counts alone, and the outage is logged once, not per operation', async () => {
  const { plugin, admit, lines } = limiter(3, 'redis://127.0.0.1:1');
  const outcomes = [];
  for (let index = 0; index < 5; index += 1) outcomes.push(await admit({ address: '192.0.2.1', userId: undefined }));
  expect(outcomes).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED']);
  expect(lines.filter((line) => line.includes('rate limit counters unreachable'))).toHaveLength(1);
  await plugin.stop?.();
});
