import { createLogger } from './observability/logger.js';
import { createFailureCounter } from './failure-counter.js';

test('in process: `limit` attempts pass, later ones are refused for the rest of the window, and reset clears it', async () => {
  const counter = createFailureCounter({ limit: 3, windowSeconds: 60, redisUrl: undefined, prefix: 'test', logger: createLogger('test', 'silent') });
  for (let attempt = 0; attempt < 3; attempt += 1) expect(await counter.attempt('alice')).toBe(0);
  expect(await counter.attempt('alice')).toBeGreaterThan(55);
  expect(await counter.attempt('bob')).toBe(0);
  await counter.reset('alice');
  expect(await counter.attempt('alice')).toBe(0);
});

test('in process: of concurrent attempts, exactly `limit` pass', async () => {
  const counter = createFailureCounter({ limit: 10, windowSeconds: 60, redisUrl: undefined, prefix: 'test', logger: createLogger('test', 'silent') });
  const verdicts = await Promise.all(Array.from({ length: 40 }, () => counter.attempt('alice')));
  expect(verdicts.filter((seconds) => seconds === 0)).toHaveLength(10);
});

test('with Redis unreachable, attempts are let through rather than refused', async () => {
  const counter = createFailureCounter({ limit: 1, windowSeconds: 60, redisUrl: 'redis://127.0.0.1:1', prefix: 'test', logger: createLogger('test', 'silent') });
  expect(await counter.attempt('alice')).toBe(0);
  expect(await counter.attempt('alice')).toBe(0);
  await counter.close();
});
