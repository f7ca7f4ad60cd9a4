import type { ProcessSettings } from './config.js';
import { createLogger } from './logger.js';
import type { Logger } from './logger.js';

/**
 * Stops cleanly on SIGINT or SIGTERM: `stop` drains servers and closes pools. A second
 * signal, or a stop that hangs for 10 s, exits at once.
 */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info('shutting down', { signal });
    const timer = setTimeout(() => {
      logger.error('shutdown timed out');
      process.exit(1);
    }, 10_000);
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
 * A server as its own process: configuration from the environment (printed and exit 1 when
 * invalid), start, and a clean stop on SIGINT/SIGTERM. Every `main.ts` is this one call.
 */
export function runProcess<Config extends ProcessSettings>(
  name: string,
  load: (env: NodeJS.ProcessEnv) => Config,
  start: (config: Config) => Promise<{ stop(): Promise<void> }>,
): void {
  runMain(async () => {
    const config = load(process.env);
    const server = await start(config);
    stopOnSignals(() => server.stop(), createLogger(name, config.logLevel, config.production));
  });
}
