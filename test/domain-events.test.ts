import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createDatabase } from './support/databases.js';
import type { TestDatabase } from './support/databases.js';
import { TEST_REDIS_URL } from './support/env.js';
import { eventually } from './support/eventually.js';
import type { DomainEvent, EventBus } from '../platform/messaging/bus.js';
import { createOutboxRelay } from '../platform/messaging/outbox.js';
import { redisEventBus } from '../platform/messaging/redis-streams.js';
import { createLogger } from '../platform/observability/logger.js';

const logger = createLogger('events-test', 'silent');
const prefix = () => `test-events-${randomBytes(4).toString('hex')}`;
const event = (n: number): DomainEvent => ({ type: 'Counted', data: { n } });

describe('Redis streams', () => {
  const buses: EventBus[] = [];
  const bus = (namespace: string): EventBus => {
    const created = redisEventBus(TEST_REDIS_URL, namespace, logger);
    buses.push(created);
    return created;
  };
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((each) => each.close()));
  });

  test('a group gets every event, including those published before it started, in order', async () => {
    const namespace = prefix();
    await bus(namespace).publish('s', [event(1), event(2)]);
    const seen: unknown[] = [];
    bus(namespace).consume('s', 'g', async (e) => void seen.push(e.data['n']));
    await bus(namespace).publish('s', [event(3)]);
    await eventually(() => seen.length === 3, 5_000, 'three events');
    expect(seen).toEqual([1, 2, 3]);
  });

  test('an event whose handler fails is delivered again', async () => {
    const namespace = prefix();
    let attempts = 0;
    const handled: unknown[] = [];
    bus(namespace).consume('s', 'g', async (e) => {
      attempts += 1;
      if (attempts === 1) throw new Error('not yet');
      handled.push(e.data['n']);
    });
    await bus(namespace).publish('s', [event(7)]);
    await eventually(() => handled.length === 1, 10_000, 'the retry');
    expect(handled).toEqual([7]);
    expect(attempts).toBe(2);
  });

  test('consumers of one group share the work; each group gets everything', async () => {
    const namespace = prefix();
    const [a, b, other] = [[] as unknown[], [] as unknown[], [] as unknown[]];
    bus(namespace).consume('s', 'g', async (e) => void a.push(e.data['n']));
    bus(namespace).consume('s', 'g', async (e) => void b.push(e.data['n']));
    bus(namespace).consume('s', 'h', async (e) => void other.push(e.data['n']));
    const publisher = bus(namespace);
    for (let n = 0; n < 40; n += 1) await publisher.publish('s', [event(n)]);
    await eventually(() => a.length + b.length === 40 && other.length === 40, 10_000, 'every event');
    expect([...a, ...b].sort((x, y) => Number(x) - Number(y))).toEqual(other);
  });

  test('waitUntilConsumed is true once every group acknowledged the events', async () => {
    const namespace = prefix();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    bus(namespace).consume('s', 'slow', () => gate);
    const publisher = bus(namespace);
    // Only groups that exist are waited for: let the consumer create its group first.
    const redis = new Redis(TEST_REDIS_URL);
    await eventually(async () => ((await redis.xinfo('GROUPS', `${namespace}:events:s`).catch(() => [])) as unknown[]).length > 0, 5_000, 'the group');
    redis.disconnect();
    const ids = await publisher.publish('s', [event(1)]);
    expect(await publisher.waitUntilConsumed('s', ids, 200)).toBe(false);
    release();
    expect(await publisher.waitUntilConsumed('s', ids, 5_000)).toBe(true);
  });
});

test('with Redis, an event that keeps failing is set aside after five attempts, and later events flow', async () => {
  const namespace = prefix();
  const bus = redisEventBus(TEST_REDIS_URL, namespace, logger);
  const handled: unknown[] = [];
  bus.consume('s', 'g', async (e) => {
    if (e.data['n'] === 1) throw new Error('poison');
    handled.push(e.data['n']);
  });
  await bus.publish('s', [event(1), event(2)]);
  await eventually(() => handled.includes(2), 30_000, 'the event after the poison one');
  const redis = new Redis(TEST_REDIS_URL);
  const dead = (await redis.xrange(`${namespace}:events:s:dead`, '-', '+')) as Array<[string, string[]]>;
  redis.disconnect();
  expect(dead).toHaveLength(1);
  expect(dead[0]?.[1]).toEqual(expect.arrayContaining(['group', 'g', 'error', 'poison', 'type', 'Counted']));
  await bus.close();
}, 40_000);

describe('the outbox relay', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    database = await createDatabase('outbox');
    pool = new pg.Pool({ connectionString: database.url, max: 3 });
    await pool.query('CREATE TABLE outbox_events (id BIGSERIAL PRIMARY KEY, type TEXT NOT NULL, payload JSONB NOT NULL, traceparent TEXT, created_at TIMESTAMPTZ NOT NULL DEFAULT now())');
  });
  afterAll(async () => {
    await pool.end();
    await database.close();
  });

  const write = (n: number) => pool.query(`INSERT INTO outbox_events (type, payload) VALUES ('Counted', $1)`, [{ n }]);
  const remaining = async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox_events')).rows[0]?.n);

  test('publishes in order and deletes only what the bus took; a failed publish is retried', async () => {
    let failing = true;
    const published: unknown[] = [];
    const flaky: EventBus = {
      publish: async (_stream, events) => {
        if (failing) throw new Error('bus down');
        published.push(...events.map((e) => e.data['n']));
        return events.map(() => '');
      },
      waitUntilConsumed: async () => true,
      consume: () => {},
      close: async () => {},
    };
    const relay = createOutboxRelay(pool, flaky, 's', logger);
    await write(1);
    await write(2);
    await relay.flush();
    expect(await remaining()).toBe(2);
    failing = false;
    await eventually(() => published.length === 2, 10_000, 'the retry');
    expect(published).toEqual([1, 2]);
    expect(await remaining()).toBe(0);
    relay.close();
  });

  test('relays sharing an outbox never send a row twice at once', async () => {
    const published: unknown[] = [];
    const bus: EventBus = {
      publish: async (_stream, events) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        published.push(...events.map((e) => e.data['n']));
        return events.map(() => '');
      },
      waitUntilConsumed: async () => true,
      consume: () => {},
      close: async () => {},
    };
    for (let n = 0; n < 300; n += 1) await write(n);
    const relays = [createOutboxRelay(pool, bus, 's', logger), createOutboxRelay(pool, bus, 's', logger), createOutboxRelay(pool, bus, 's', logger)];
    await Promise.all(relays.map((relay) => relay.flush()));
    expect(published.length).toBe(300);
    expect(new Set(published).size).toBe(300);
    expect(await remaining()).toBe(0);
    for (const relay of relays) relay.close();
  });
});
