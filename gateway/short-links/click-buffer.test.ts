import type { ClickBatch } from '../../contracts/links-internal.js';
import { createLogger } from '../../platform/observability/logger.js';
import { ClickBuffer } from './click-buffer.js';
import { visitorHash } from './visitors.js';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const LINK = '01920000-0000-7000-8000-00000000aaaa';
const logger = createLogger('test', 'silent');

/** A links stand-in that applies each batch id once, as links does, and fails when told to. */
function receiver() {
  const applied = new Map<string, ClickBatch>();
  let failNext = 0;
  return {
    applied,
    failNext: (times: number) => void (failNext = times),
    send: async (batch: ClickBatch): Promise<void> => {
      if (failNext > 0) {
        failNext -= 1;
        throw new Error('links is down');
      }
      applied.set(batch.id, batch);
    },
    total: () => [...applied.values()].flatMap((batch) => batch.clicks).reduce((sum, row) => sum + row.count, 0),
  };
}

test('aggregates a burst into one row per (link, hour, referrer host, visitor), counted exactly', async () => {
  const links = receiver();
  const buffer = new ClickBuffer({ send: links.send, visitorHashKey: 'k'.repeat(32), flushIntervalMs: 60_000, logger });
  for (let i = 0; i < 1_000; i += 1) buffer.record(LINK, BROWSER, `10.0.0.${i % 2}`, i % 4 === 0 ? 'https://News.example.com/x' : '');
  await buffer.flush();
  const rows = [...links.applied.values()].flatMap((batch) => batch.clicks);
  expect(links.total()).toBe(1_000);
  expect(rows).toHaveLength(3);
  expect(new Set(rows.map((row) => row.referrer))).toEqual(new Set(['news.example.com', 'direct']));
  expect(new Set(rows.map((row) => row.visitor))).toEqual(new Set([visitorHash('k'.repeat(32), '10.0.0.0', BROWSER), visitorHash('k'.repeat(32), '10.0.0.1', BROWSER)]));
  expect(rows.every((row) => row.hour % 3_600_000 === 0)).toBe(true);
  await buffer.stop();
});

test('a failed send is retried with the same batch id until links has it; nothing is lost or doubled', async () => {
  const links = receiver();
  const buffer = new ClickBuffer({ send: links.send, visitorHashKey: 'k'.repeat(32), flushIntervalMs: 20, logger });
  links.failNext(3);
  for (let i = 0; i < 50; i += 1) buffer.record(LINK, BROWSER, '10.0.0.1', '');
  await buffer.flush();
  expect(links.total()).toBe(0);
  for (let i = 0; i < 25; i += 1) buffer.record(LINK, BROWSER, '10.0.0.2', '');
  const deadline = Date.now() + 10_000;
  while (links.total() < 75 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(links.total()).toBe(75);
  expect(buffer.pending()).toBe(0);
  await buffer.stop();
});

test('stop() sends what is still buffered; bots and agent-less requests are never sent', async () => {
  const links = receiver();
  let uncounted = 0;
  const buffer = new ClickBuffer({ send: links.send, visitorHashKey: 'k'.repeat(32), flushIntervalMs: 60_000, logger, onUncounted: (n) => (uncounted += n) });
  buffer.record(LINK, BROWSER, '10.0.0.1', '');
  buffer.record(LINK, 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', '10.0.0.1', '');
  buffer.record(LINK, '', '10.0.0.1', '');
  await buffer.stop();
  expect(links.total()).toBe(1);
  expect(uncounted).toBe(2);
});

test('a full buffer flushes before the timer', async () => {
  const links = receiver();
  const buffer = new ClickBuffer({ send: links.send, visitorHashKey: 'k'.repeat(32), flushIntervalMs: 60_000, maxEntries: 10, logger });
  for (let i = 0; i < 10; i += 1) buffer.record(LINK, BROWSER, `10.0.1.${i}`, '');
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(links.total()).toBe(10);
  await buffer.stop();
});
