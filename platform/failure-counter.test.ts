import { createLogger } from './observability/logger.js';
import { createFailureCounter } from './failure-counter.js';

test('in process: a key is blocked after `limit` failures, for the rest of the window, and reset clears it', async () => {
  const counter = createFailureCounter({ limit: 3, windowSeconds: 60, redisUrl: undefined, prefix: 'test', logger: createLogger('test', 'silent') });
  for (let failure = 0; failure < 2; failure += 1) await counter.failed('alice');
  expect(await counter.blockedFor('alice')).toBe(0);
  await counter.failed('alice');
  expect(await counter.blockedFor('alice')).toBeGreaterThan(55);
  expect(await counter.blockedFor('bob')).toBe(0);
  await counter.reset('alice');
  expect(await counter.blockedFor('alice')).toBe(0);
});

test('with Redis unreachable, attempts are let through rather than refused', async () => {
  const counter = createFailureCounter({ limit: 1, windowSeconds: 60, redisUrl: 'redis://127.0.0.1:1', prefix: 'test', logger: createLogger('test', 'silent') });
  await counter.failed('alice');
  expect(await counter.blockedFor('alice')).toBe(0);
  await counter.close();
});
