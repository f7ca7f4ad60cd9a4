import { randomUUID } from 'node:crypto';
import { MAX_BATCH_ROWS } from '../../contracts/links-internal.js';
import type { ClickBatch, ClickCount } from '../../contracts/links-internal.js';
import type { Logger } from '../../platform/observability/logger.js';
import { isUncountedAgent, referrerHost, visitorHash } from './visitors.js';

const HOUR_MS = 3_600_000;

/** referer → count, per address, per User-Agent, per link: the raw request values, aggregated as they come. */
type Counts = Map<string, Map<string, Map<string, Map<string, number>>>>;

export interface ClickBufferOptions {
  send: (batch: ClickBatch) => Promise<void>;
  visitorHashKey: string;
  flushIntervalMs: number;
  /** Distinct (link, agent, address, referer) entries that trigger a flush before the timer. */
  maxEntries?: number;
  logger: Logger;
  /** Clicks links acknowledged, and clicks not counted (bots). */
  onRecorded?: (clicks: number) => void;
  onUncounted?: (clicks: number) => void;
}

/**
 * Clicks on their way to links. A visit only increments a counter in nested maps keyed by
 * the raw header values (no parsing, no hashing, no allocation for a repeat visitor); a flush
 * (on a timer, when the buffer is large, and on stop) turns them into aggregated rows: bots
 * dropped, referrers reduced to hosts, visitors hashed. Batches go out one at a time, each with
 * an id that links applies once, and a batch that fails is sent again, unchanged, until it
 * succeeds: no click is lost or counted twice while the process lives.
 */
export class ClickBuffer {
  private counts: Counts = new Map();
  private hour = 0;
  private entries = 0;
  /** Counts of hours that ended while still buffered. */
  private readonly sealed: Array<{ hour: number; counts: Counts }> = [];
  private readonly queue: ClickBatch[] = [];
  private sending: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private flushScheduled = false;
  private readonly timer: NodeJS.Timeout;
  private readonly maxEntries: number;
  private readonly botMemo = new Map<string, boolean>();

  constructor(private readonly options: ClickBufferOptions) {
    this.maxEntries = options.maxEntries ?? 2_000;
    this.timer = setInterval(() => this.flush(), options.flushIntervalMs);
    this.timer.unref();
  }

  /** Counts one visit. Never throws, never waits. */
  record(linkId: string, userAgent: string, address: string, referer: string): void {
    const now = Date.now();
    const hour = now - (now % HOUR_MS);
    if (hour !== this.hour) {
      if (this.counts.size > 0) this.sealed.push({ hour: this.hour, counts: this.counts });
      this.counts = new Map();
      this.hour = hour;
    }
    let byAgent = this.counts.get(linkId);
    if (!byAgent) this.counts.set(linkId, (byAgent = new Map()));
    let byAddress = byAgent.get(userAgent);
    if (!byAddress) byAgent.set(userAgent, (byAddress = new Map()));
    let byReferer = byAddress.get(address);
    if (!byReferer) byAddress.set(address, (byReferer = new Map()));
    const count = byReferer.get(referer);
    byReferer.set(referer, (count ?? 0) + 1);
    if (count === undefined && ++this.entries >= this.maxEntries && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Clicks buffered or queued, not yet acknowledged by links. */
  pending(): number {
    let clicks = this.queue.reduce((sum, batch) => sum + batch.clicks.reduce((n, row) => n + row.count, 0), 0);
    for (const { counts } of [...this.sealed, { counts: this.counts }]) for (const byAgent of counts.values()) for (const byAddress of byAgent.values()) for (const byReferer of byAddress.values()) for (const n of byReferer.values()) clicks += n;
    return clicks;
  }

  /** Moves what is buffered into batches and sends them; resolves when the queue is empty or a send failed. */
  flush(): Promise<void> {
    this.flushScheduled = false;
    this.drain();
    if (!this.sending && !this.retryTimer) this.sending = this.sendQueued().finally(() => (this.sending = null));
    return this.sending ?? Promise.resolve();
  }

  /** Stops the timer and sends everything, retrying until `deadlineMs` has passed; then reports what is left. */
  async stop(deadlineMs = 5_000): Promise<void> {
    clearInterval(this.timer);
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      if (this.retryTimer) {
        clearTimeout(this.retryTimer);
        this.retryTimer = null;
      }
      await this.flush();
      if (this.queue.length === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const lost = this.pending();
    if (lost > 0) this.options.logger.error('clicks not recorded at shutdown', { clicks: lost });
  }

  private drain(): void {
    if (this.counts.size > 0) this.sealed.push({ hour: this.hour, counts: this.counts });
    this.counts = new Map();
    this.entries = 0;
    if (this.sealed.length === 0) return;
    const rows = new Map<string, ClickCount>();
    const hashes = new Map<string, string>();
    let uncounted = 0;
    for (const { hour, counts } of this.sealed.splice(0)) {
      for (const [linkId, byAgent] of counts) {
        for (const [userAgent, byAddress] of byAgent) {
          const bot = this.isBot(userAgent);
          for (const [address, byReferer] of byAddress) {
            let visitor: string | undefined;
            for (const [referer, count] of byReferer) {
              if (bot) {
                uncounted += count;
                continue;
              }
              const pair = `${address}\n${userAgent}`;
              visitor ??= hashes.get(pair) ?? hashes.set(pair, visitorHash(this.options.visitorHashKey, address, userAgent)).get(pair)!;
              const referrer = referrerHost(referer);
              const key = `${linkId}|${hour}|${referrer}|${visitor}`;
              const row = rows.get(key);
              if (row) row.count += count;
              else rows.set(key, { linkId, hour, referrer, visitor, count });
            }
          }
        }
      }
    }
    if (uncounted > 0) this.options.onUncounted?.(uncounted);
    const all = [...rows.values()];
    for (let start = 0; start < all.length; start += MAX_BATCH_ROWS) this.queue.push({ id: randomUUID(), clicks: all.slice(start, start + MAX_BATCH_ROWS) });
  }

  private isBot(userAgent: string): boolean {
    let bot = this.botMemo.get(userAgent);
    if (bot === undefined) {
      if (this.botMemo.size > 10_000) this.botMemo.clear();
      this.botMemo.set(userAgent, (bot = isUncountedAgent(userAgent)));
    }
    return bot;
  }

  private async sendQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue[0]!;
      try {
        await this.options.send(batch);
      } catch (error) {
        // Kept at the head of the queue, same id: sent again until links has it.
        this.failures += 1;
        const wait = Math.min(250 * 2 ** Math.min(this.failures, 7), 30_000);
        this.options.logger.warn('click batch not sent; retrying', { clicks: batch.clicks.length, retryInMs: wait, error: (error as Error).message });
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          void this.flush();
        }, wait);
        this.retryTimer.unref();
        return;
      }
      this.failures = 0;
      this.queue.shift();
      this.options.onRecorded?.(batch.clicks.reduce((sum, row) => sum + row.count, 0));
    }
  }
}
