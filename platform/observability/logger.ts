import { trace } from '@opentelemetry/api';
import { pino } from 'pino';
import type { DestinationStream } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Where a logger writes its lines: stderr, or a test's capture. */
export interface LogOutput {
  write(text: string): unknown;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Field paths whose values never reach a log line, whoever passes them: credentials a
 * careless caller might hand over with a request or a configuration.
 */
const REDACTED = [
  'authorization',
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'accessToken',
  'refreshToken',
  'variables',
  'JWT_PRIVATE_KEY',
  'INTERNAL_SECRET',
  'internalSecret',
  '*.INTERNAL_SECRET',
  '*.internalSecret',
  'headers["x-internal-secret"]',
  '*.headers["x-internal-secret"]',
  '["x-internal-secret"]',
  '*.authorization',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.variables',
  'headers.cookie',
];

/** An error as a log field: its message, its stack (server-side only) and its causes. */
function serializeError(value: unknown, depth = 0): unknown {
  if (!(value instanceof Error)) return value;
  const { name, message, stack } = value;
  const code = (value as { code?: unknown }).code;
  return {
    name,
    message,
    ...(typeof code === 'string' && { code }),
    stack,
    ...(value.cause !== undefined && depth < 3 && { cause: serializeError(value.cause, depth + 1) }),
  };
}

/** Development lines: `[name] message {fields}`, as a person reads them in a terminal. */
const humanReadable = (name: string, out: LogOutput): DestinationStream => ({
  write(line: string) {
    const { level: _level, time: _time, name: _name, msg, trace_id: _trace, span_id: _span, ...fields } = JSON.parse(line) as Record<string, unknown>;
    const rest = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    out.write(`[${name}] ${String(msg)}${rest}\n`);
  },
});

/**
 * pino on stderr: JSON lines in production (one object a line, with the active trace and
 * span ids, for log shippers), `[name] message` otherwise; `out` is where lines go. Secrets are redacted by path;
 * errors keep their stacks and causes, which only ever go to the log, never to a client.
 */
export function createLogger(name: string, level: LogLevel, json = false, out: LogOutput = process.stderr): Logger {
  const logger = pino(
    {
      name,
      level,
      base: undefined,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED, censor: '[redacted]' },
      serializers: { error: (value: unknown) => serializeError(value) },
      mixin() {
        const context = trace.getActiveSpan()?.spanContext();
        return context ? { trace_id: context.traceId, span_id: context.spanId } : {};
      },
    },
    json ? (out === process.stderr ? pino.destination({ dest: 2, sync: true }) : { write: (line: string) => void out.write(line) }) : humanReadable(name, out),
  );
  return {
    debug: (message, fields) => logger.debug(fields ?? {}, message),
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
  };
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
