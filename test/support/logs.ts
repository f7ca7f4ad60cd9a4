import type { LogOutput } from '../../platform/observability/logger.js';

/** One JSON log line, as a process writes it in production. */
export interface LogLine {
  level: string;
  /** The process: `gateway`, `users`, `posts`, … */
  name: string;
  msg: string;
  [field: string]: unknown;
}

interface CapturedLogs {
  /** For startTestSupergraph's `logOutput`: every process writes here instead of stderr. */
  output: LogOutput;
  /** The lines written while `run` ran (settling after a short pause, as lines follow answers). */
  during(run: () => Promise<unknown>): Promise<LogLine[]>;
}

/** Captures the log lines of a supergraph started in production (JSON lines) with `output`. */
export function captureLogs(): CapturedLogs {
  const lines: LogLine[] = [];
  return {
    output: { write: (text: string) => lines.push(JSON.parse(text) as LogLine) },
    async during(run) {
      const from = lines.length;
      await run();
      // A line logged as the response is sent (the access line, an error) may follow it by a tick.
      await new Promise((resolve) => setTimeout(resolve, 200));
      return lines.slice(from);
    },
  };
}
