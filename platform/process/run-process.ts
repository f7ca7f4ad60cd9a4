import { parseEnv, processEnvSchema, processSettings } from '../config/env.js';
import type { Env } from '../config/env.js';
import { createLogger } from '../observability/logger.js';
import type { Logger } from '../observability/logger.js';
import { startTracing } from '../observability/tracing.js';

/**
 * Stops cleanly on SIGINT or SIGTERM: `stop` drains servers and closes pools. A second
 * signal, or a stop that hangs for `timeoutMs`, exits at once.
 */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger, timeoutMs = 10_000): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info('shutting down', { signal });
    const timer = setTimeout(() => {
      logger.error('shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Runs `main`, printing a failure (a bad configuration, say) without a stack trace, and exiting 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

/** `fn` run at most once; later calls get the first call's promise (an idempotent stop). */
export function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= fn());
}

/**
 * A server as its own process: traces exported when OTEL_EXPORTER_OTLP_ENDPOINT is set,
 * `start` reads its configuration from the environment (a bad one is printed, exit 1), and
 * the server stops cleanly on SIGINT/SIGTERM.
 */
export function runProcess(name: string, start: (env: Env) => Promise<{ stop(): Promise<void> }>): void {
  runMain(async () => {
    const { logLevel, production, otlpEndpoint, shutdownDelayMs } = processSettings(parseEnv(name, processEnvSchema, process.env));
    const tracing = startTracing({ serviceName: name, endpoint: otlpEndpoint });
    const server = await start(process.env);
    const stop = async (): Promise<void> => {
      await server.stop();
      await tracing.shutdown();
    };
    stopOnSignals(stop, createLogger(name, logLevel, production), shutdownDelayMs + 10_000);
  });
}
