import { GraphQLError } from 'graphql';
import { graphqlTelemetry } from './graphql-telemetry.js';
import { createLogger } from './logger.js';
import { createMetricsRegistry } from './metrics.js';

const telemetry = () => {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('gateway', 'debug', true, { write: (text: string) => lines.push(JSON.parse(text) as Record<string, unknown>) });
  return { lines, plugin: graphqlTelemetry({ registry: createMetricsRegistry('test'), logger, accessLog: 'info' }).plugin };
};

test('a context that fails unexpectedly is one error line with its cause', async () => {
  const { lines, plugin } = telemetry();
  await plugin.contextCreationDidFail?.({ error: new Error('token check failed', { cause: new Error('connect ECONNREFUSED') }) });
  expect(lines).toEqual([expect.objectContaining({ level: 'error', msg: 'internal error', phase: 'context', error: expect.objectContaining({ cause: expect.objectContaining({ message: 'connect ECONNREFUSED' }) }) })]);
});

test('a context refused on purpose (a bad token, a limit) is no error line', async () => {
  const { lines, plugin } = telemetry();
  await plugin.contextCreationDidFail?.({ error: new GraphQLError('Too many requests', { extensions: { code: 'RATE_LIMITED' } }) });
  await plugin.contextCreationDidFail?.({ error: new GraphQLError('Bad token', { extensions: { code: 'UNAUTHENTICATED' } }) });
  expect(lines).toEqual([]);
});
