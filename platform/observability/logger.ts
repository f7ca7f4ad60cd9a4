export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Lines on stderr: JSON in production (one object a line, for log shippers), `[name] message`
 * otherwise. Callers pass identifiers and counts, never tokens, passwords or URLs with
 * credentials.
 */
export function createLogger(name: string, level: LogLevel, json = false): Logger {
  const write = (at: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>): void => {
    if (RANK[at] < RANK[level]) return;
    const line = json
      ? JSON.stringify({ time: new Date().toISOString(), level: at, name, message, ...fields }, errorReplacer)
      : `[${name}] ${message}${fields ? ` ${JSON.stringify(fields, errorReplacer)}` : ''}`;
    process.stderr.write(`${line}\n`);
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}

/** Apollo's logger interface over ours; Apollo's debug and info chatter is dropped. */
export function apolloLogger(logger: Logger): { debug(m: unknown): void; info(m: unknown): void; warn(m: unknown): void; error(m: unknown): void } {
  return {
    debug: () => {},
    info: () => {},
    warn: (message) => logger.warn(String(message)),
    error: (message) => logger.error(String(message)),
  };
}
