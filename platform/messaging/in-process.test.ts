import { eventually } from '../../test/support/eventually.js';
import { createLogger } from '../observability/logger.js';
import type { DomainEvent } from './bus.js';
import { InProcessBroker, inProcessEventBus } from './in-process.js';

const logger = createLogger('in-process-test', 'silent');
const event = (n: number): DomainEvent => ({ type: 'Counted', data: { n } });

test('publishing waits for the handlers; with no consumer yet it fails, so the outbox keeps the events', async () => {
  const bus = inProcessEventBus(new InProcessBroker(), 'test', logger);
  await expect(bus.publish('s', [event(1)])).rejects.toThrow(/no consumer has joined/);
  const seen: unknown[] = [];
  bus.consume('s', 'first', async (e) => void seen.push(e.data['n']));
  await bus.publish('s', [event(2)]);
  expect(seen).toEqual([2]);
  await bus.close();
});

test('a group that joins late reads the events the stream retains', async () => {
  const bus = inProcessEventBus(new InProcessBroker(), 'test', logger);
  bus.consume('s', 'early', async () => {});
  await bus.publish('s', [event(1), event(2)]);
  const late: unknown[] = [];
  bus.consume('s', 'late', async (e) => void late.push(e.data['n']));
  await eventually(() => late.length === 2, 1_000, 'the replay');
  expect(late).toEqual([1, 2]);
  await bus.close();
});

test('buses on one broker share streams; buses on another broker never see them', async () => {
  const broker = new InProcessBroker();
  const [producer, consumer, stranger] = [inProcessEventBus(broker, 'test', logger), inProcessEventBus(broker, 'test', logger), inProcessEventBus(new InProcessBroker(), 'test', logger)];
  const seen: unknown[] = [];
  const strangerSeen: unknown[] = [];
  consumer.consume('s', 'consumer', async (e) => void seen.push(e.data['n']));
  stranger.consume('s', 'consumer', async (e) => void strangerSeen.push(e.data['n']));
  await producer.publish('s', [event(3)]);
  expect([seen, strangerSeen]).toEqual([[3], []]);
});
