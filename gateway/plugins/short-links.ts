import type { IncomingMessage, ServerResponse } from 'node:http';
import { CODE_SHAPE, sendClickBatch } from '../../contracts/links-internal.js';
import type { Logger } from '../../platform/observability/logger.js';
import { Counter } from '../../platform/observability/metrics.js';
import type { ShortLinksSettings } from '../config.js';
import { forwardedAddress } from '../../platform/http/client-address.js';
import type { GatewayPlugin } from '../plugin.js';
import { ClickBuffer } from '../short-links/click-buffer.js';
import { createCodeCache } from '../short-links/code-cache.js';
import type { CachedCode, CodeCache } from '../short-links/code-cache.js';
import { GONE, METHOD_NOT_ALLOWED, NOT_FOUND, UNAVAILABLE } from '../short-links/responses.js';
import type { PreparedResponse } from '../short-links/responses.js';

const SHORT_LINK_PREFIX = '/s/';

const OUTCOMES = ['redirected', 'not_found', 'gone', 'method_not_allowed', 'unavailable'] as const;

/**
 * The public redirect, `GET`/`HEAD /s/:code` on the gateway's port: 302 to the link's URL,
 * 404 for a code that never existed, 410 for a deleted or expired link. Answers come from the
 * code cache (gateway/short-links/code-cache.ts) and clicks go to the click buffer, so a
 * visit whose code is cached does no I/O before its response is written.
 */
export function shortLinks(settings: ShortLinksSettings, logger: Logger): GatewayPlugin {
  let cache: CodeCache | undefined;
  let buffer: ClickBuffer | undefined;

  return {
    name: 'short-links',
    routes(router, services) {
      const linksUrl = services.subgraphUrl('links');
      if (!linksUrl) return;
      // Plain numbers on the hot path, read at each scrape: prom-client's inc() hashes and
      // validates its labels on every call.
      const outcome = Object.fromEntries(OUTCOMES.map((name) => [name, { n: 0, inc() { this.n += 1; } }])) as Record<(typeof OUTCOMES)[number], { n: number; inc(): void }>;
      new Counter({
        name: 'gateway_short_link_redirects_total',
        help: 'Requests to /s/:code, by outcome.',
        labelNames: ['outcome'] as const,
        registers: [services.metrics],
        collect() {
          this.reset();
          for (const name of OUTCOMES) this.inc({ outcome: name }, outcome[name].n);
        },
      });
      const clicks = new Counter({ name: 'gateway_short_link_clicks_total', help: 'Clicks by fate: recorded (acknowledged by links) or uncounted (bots).', labelNames: ['fate'] as const, registers: [services.metrics] });
      const lookups = new Counter({ name: 'gateway_short_link_lookups_total', help: 'Code answers fetched from the links subgraph (cache misses in both levels).', registers: [services.metrics] });
      const codes = (cache = createCodeCache({ linksUrl, internalSecret: settings.internalSecret, ttlMs: settings.cacheTtlMs, redisUrl: settings.redisUrl, redisPrefix: settings.redisPrefix, logger, onFetched: () => lookups.inc() }));
      const clickBuffer = (buffer = new ClickBuffer({
        send: (batch) => sendClickBatch(linksUrl, batch, settings.internalSecret),
        visitorHashKey: settings.visitorHashKey,
        flushIntervalMs: settings.flushIntervalMs,
        logger,
        onRecorded: (n) => clicks.inc({ fate: 'recorded' }, n),
        onUncounted: (n) => clicks.inc({ fate: 'uncounted' }, n),
      }));

      const write = (request: IncomingMessage, response: ServerResponse, prepared: PreparedResponse): void => {
        response.writeHead(prepared.status, prepared.headers);
        response.end(request.method === 'HEAD' ? undefined : prepared.body);
      };

      const answer = (request: IncomingMessage, response: ServerResponse, code: CachedCode): void => {
        if (code.linkId === null) {
          (code.response === GONE ? outcome.gone : outcome.not_found).inc();
          return write(request, response, code.response);
        }
        if (code.expiresAt <= Date.now()) {
          outcome.gone.inc();
          return write(request, response, GONE);
        }
        outcome.redirected.inc();
        write(request, response, code.response);
        // HEAD is a link checker's question, not a visit.
        if (request.method === 'HEAD') return;
        const { userAgent, referer, forwardedFor } = countedHeaders(request.rawHeaders);
        const address = forwardedAddress(forwardedFor, settings.trustedProxyHops, request.socket.remoteAddress ?? '');
        clickBuffer.record(code.linkId, userAgent, address, referer);
      };

      router.onPrefix(SHORT_LINK_PREFIX, (request, response) => {
        if (request.method !== 'GET' && request.method !== 'HEAD') {
          outcome.method_not_allowed.inc();
          return write(request, response, METHOD_NOT_ALLOWED);
        }
        const url = request.url ?? '';
        const query = url.indexOf('?', SHORT_LINK_PREFIX.length);
        const code = url.slice(SHORT_LINK_PREFIX.length, query === -1 ? undefined : query);
        // A code of another shape cannot exist: no lookup at all.
        if (!CODE_SHAPE.test(code)) {
          outcome.not_found.inc();
          return write(request, response, NOT_FOUND);
        }
        const codeKey = code.toLowerCase();
        const cached = codes.peek(codeKey);
        if (cached) return answer(request, response, cached);
        return codes.fetch(codeKey).then(
          (fetched) => answer(request, response, fetched),
          (error: unknown) => {
            logger.warn('short link lookup failed', { error: (error as Error).message });
            outcome.unavailable.inc();
            write(request, response, UNAVAILABLE);
          },
        );
      });
    },
    async stop() {
      await buffer?.stop();
      cache?.close();
    },
  };
}

/**
 * The three headers a click needs, read from the raw list: `request.headers` would build an
 * object of every header on each visit, the largest cost the redirect can avoid.
 */
function countedHeaders(raw: string[]): { userAgent: string; referer: string; forwardedFor: string } {
  let userAgent = '';
  let referer = '';
  let forwardedFor = '';
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    // Lengths first: most headers are skipped without lower-casing their name.
    if (name.length === 10 && name.toLowerCase() === 'user-agent') userAgent = raw[i + 1]!;
    else if (name.length === 7 && name.toLowerCase() === 'referer') referer = raw[i + 1]!;
    else if (name.length === 15 && forwardedFor === '' && name.toLowerCase() === 'x-forwarded-for') forwardedFor = raw[i + 1]!;
  }
  return { userAgent, referer, forwardedFor };
}
