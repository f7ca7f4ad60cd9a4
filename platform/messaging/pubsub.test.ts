import { createLogger } from '../observability/logger.js';
import { createPubSub } from './pubsub.js';

test('in process: a subscriber receives what is published on its channel, and only that', async () => {
  const pubsub = createPubSub(undefined, createLogger('pubsub-test', 'silent'));
  const events = pubsub.subscribe<{ n: number }>('counter:a');
  const received = events.next();
  await pubsub.publish('counter:b', { n: 0 });
  await pubsub.publish('counter:a', { n: 1 });
  expect((await received).value).toEqual({ n: 1 });
  await events.return?.();
  await pubsub.close();
});
