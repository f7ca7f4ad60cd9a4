import { randomUUID } from 'node:crypto';
import { TEST_REDIS_URL as REDIS_URL } from './support/env.js';
import { createLogger } from '../platform/observability/logger.js';
import { createPubSub } from '../platform/messaging/pubsub.js';

const logger = createLogger('pubsub-test', 'silent');

async function next<T>(iterator: AsyncIterator<T>, timeoutMs = 2_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no event')), timeoutMs)));
  try {
    return (await Promise.race([iterator.next(), timeout])).value as T;
  } finally {
    clearTimeout(timer);
  }
}

test('with Redis: an event published by one replica reaches a subscriber on another', async () => {
  const [publisher, subscriber] = [createPubSub(REDIS_URL, logger), createPubSub(REDIS_URL, logger)];
  const channel = `test:${randomUUID()}`;
  const events = subscriber.subscribe<{ n: number }>(channel);
  const received = next(events);
  // The subscription reaches Redis asynchronously; publish until it has.
  const timer = setInterval(() => void publisher.publish(channel, { n: 7 }), 50);
  try {
    expect(await received).toEqual({ n: 7 });
  } finally {
    clearInterval(timer);
    await events.return?.();
    await publisher.close();
    await subscriber.close();
  }
});
