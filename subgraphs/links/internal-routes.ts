import { CLICKS_PATH, RESOLVE_PATH } from '../../contracts/links-internal.js';
import { readBody, refuseBody } from '../../platform/http/graphql-route.js';
import { internalCallerCheck, internalOnly } from '../../platform/http/internal-caller.js';
import { sendJson } from '../../platform/http/http-server.js';
import type { Router } from '../../platform/http/http-server.js';
import type { Logger } from '../../platform/observability/logger.js';
import { Counter } from '../../platform/observability/metrics.js';
import type { Registry } from '../../platform/observability/metrics.js';
import { clickBatchSchema } from './clicks.js';
import type { Clicks } from './clicks.js';
import type { Links } from './links.js';

/** A batch of MAX_BATCH_ROWS rows is well under this. */
const BATCH_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * The routes the gateway's redirect calls (contracts/links-internal.ts), beside /graphql on
 * the subgraph's port. They answer only a caller with the internal secret: whoever else
 * reaches the port could otherwise count clicks that never happened.
 */
export function serveInternalRoutes(
  router: Router,
  { links, clicks, logger, metrics, internalSecret }: { links: Links; clicks: Clicks; logger: Logger; metrics: Registry; internalSecret: string },
): void {
  const fromGateway = internalCallerCheck(internalSecret);
  const resolutions = new Counter({ name: 'links_resolutions_total', help: 'Codes resolved for the redirect, by answer.', labelNames: ['answer'] as const, registers: [metrics] });
  const batches = new Counter({ name: 'links_click_batches_total', help: 'Click batches received from the gateway, by outcome.', labelNames: ['outcome'] as const, registers: [metrics] });

  router.on(RESOLVE_PATH, internalOnly(fromGateway, async (request, response) => {
    const code = new URL(request.url ?? '/', 'http://links').searchParams.get('code') ?? '';
    const resolution = await links.resolve(code);
    resolutions.inc({ answer: resolution.status });
    sendJson(response, 200, resolution);
  }));

  router.on(CLICKS_PATH, internalOnly(fromGateway, async (request, response) => {
    if (request.method !== 'POST') return sendJson(response, 405, { error: 'POST a click batch' }, { allow: 'POST' });
    const body = await readBody(request, BATCH_BODY_LIMIT);
    if (body instanceof Error) {
      batches.inc({ outcome: 'rejected' });
      return refuseBody(request, response, body, { error: body.message === 'too large' ? `a click batch is at most ${BATCH_BODY_LIMIT} bytes` : 'not a click batch' });
    }
    const batch = clickBatchSchema.safeParse(body);
    if (!batch.success) {
      batches.inc({ outcome: 'rejected' });
      return sendJson(response, 400, { error: 'not a click batch' });
    }
    try {
      await clicks.record(batch.data);
      batches.inc({ outcome: 'applied' });
      response.writeHead(204).end();
    } catch (error) {
      // The gateway keeps the batch and sends it again.
      batches.inc({ outcome: 'failed' });
      logger.warn('click batch not applied', { error });
      sendJson(response, 503, { error: 'not applied; send it again' });
    }
  }));
}
