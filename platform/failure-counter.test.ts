import { createLogger } from './observability/logger.js';
import { createFailureCounter, inProcessFailureCounter } from './failure-counter.js';

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

test('in process: entries whose window ended are swept as new keys arrive, so random keys cannot grow the map without bound', async () => {
  let time = 0;
  const counter = inProcessFailureCounter(3, 60, () => time);
  // Ten windows of 1,000 names each that are never asked for again (logins for unknown names).
  for (let window = 0; window < 10; window += 1) {
    for (let index = 0; index < 1_000; index += 1) await counter.attempt(`nobody:${window}:${index}`);
    time += 61_000;
  }
  expect(counter.size).toBeLessThanOrEqual(2_048);
  // Keys still in their window are kept and still counted.
  for (let attempt = 0; attempt < 3; attempt += 1) expect(await counter.attempt('alice')).toBe(0);
  for (let index = 0; index < 3_000; index += 1) await counter.attempt(`nobody:last:${index}`);
  expect(await counter.attempt('alice')).toBeGreaterThan(0);
});
