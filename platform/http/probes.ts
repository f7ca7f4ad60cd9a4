import { setTimeout as sleep } from 'node:timers/promises';
import { sendJson } from './http-server.js';
import type { Router } from './http-server.js';

export interface Probes {
  /**
   * Makes `/ready` fail from now on, then waits `delayMs` before resolving, so load
   * balancers stop sending requests before the server drains.
   */
  drain(delayMs: number): Promise<void>;
}

/**
 * `/health` answers 200 while the process lives (a liveness probe: restart me only if this
 * fails). `/ready` answers 200 only when `check` finds nothing wrong and the server is not
 * stopping (a readiness probe: send me traffic); otherwise 503 naming what is missing.
 */
export function serveProbes(router: Router, check: () => Promise<string[]>): Probes {
  let draining = false;
  router.on('/health', (_request, response) => sendJson(response, 200, { status: 'ok' }, { 'cache-control': 'no-store' }));
  router.on('/ready', async (_request, response) => {
    const problems = draining ? ['stopping'] : await check().catch((error: unknown) => [String((error as Error).message ?? error)]);
    sendJson(response, problems.length === 0 ? 200 : 503, problems.length === 0 ? { status: 'ready' } : { status: 'unavailable', problems }, { 'cache-control': 'no-store' });
  });
  return {
    async drain(delayMs) {
      draining = true;
      if (delayMs > 0) await sleep(delayMs);
    },
  };
}

/** Runs named checks in parallel; the names of those that failed or took longer than `timeoutMs`. */
export async function failingChecks(checks: Record<string, () => Promise<unknown>>, timeoutMs = 2_000): Promise<string[]> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const timeout = sleep(timeoutMs, 'timeout', { ref: false });
      const outcome = await Promise.race([check().then(() => 'ok', () => 'failed'), timeout]);
      return outcome === 'ok' ? null : name;
    }),
  );
  return results.filter((name): name is string => name !== null);
}
