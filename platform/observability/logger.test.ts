import { context, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createLogger } from './logger.js';

const capture = () => {
  const lines: string[] = [];
  return { lines, out: { write: (text: string) => lines.push(text) } };
};

test('production lines are JSON with the level, the name, the message and the fields', () => {
  const { lines, out } = capture();
  createLogger('gateway', 'info', true, out).info('request', { operation: 'Timeline', durationMs: 3 });
  expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', name: 'gateway', msg: 'request', operation: 'Timeline', durationMs: 3, time: expect.any(String) });
});

test('secrets are redacted wherever a caller puts them', () => {
  const { lines, out } = capture();
  createLogger('users', 'info', true, out).warn('odd request', { authorization: 'Bearer abc', headers: { authorization: 'Bearer def', cookie: 'sid=1' }, input: { password: 'hunter22' }, variables: { x: 1 } });
  expect(lines[0]).not.toMatch(/abc|def|sid=1|hunter22|"x"/);
  expect(JSON.parse(lines[0]!)).toMatchObject({ authorization: '[redacted]', headers: { authorization: '[redacted]' }, input: { password: '[redacted]' } });
});

test('the internal secret is redacted, as a setting and as a header', () => {
  const { lines, out } = capture();
  createLogger('gateway', 'info', true, out).warn('odd request', { INTERNAL_SECRET: 's1-secret', config: { internalSecret: 's2-secret' }, headers: { 'x-internal-secret': 's3-secret' }, 'x-internal-secret': 's4-secret', request: { headers: { 'x-internal-secret': 's5-secret' } } });
  expect(lines[0]).not.toMatch(/s\d-secret/);
  expect(JSON.parse(lines[0]!)).toMatchObject({ INTERNAL_SECRET: '[redacted]', headers: { 'x-internal-secret': '[redacted]' } });
});

test('an error keeps its stack and cause in the log', () => {
  const { lines, out } = capture();
  createLogger('posts', 'error', true, out).error('internal error', { error: new Error('outer', { cause: new Error('connection refused') }) });
  const { error } = JSON.parse(lines[0]!) as { error: { message: string; stack: string; cause: { message: string } } };
  expect(error).toMatchObject({ message: 'outer', cause: { message: 'connection refused' } });
  expect(error.stack).toMatch(/logger\.test/);
});

test('a line written inside a span carries its trace and span ids; levels below the threshold are dropped', () => {
  const { lines, out } = capture();
  const logger = createLogger('likes', 'info', true, out);
  const provider = new NodeTracerProvider();
  provider.register();
  const span = provider.getTracer('test').startSpan('work');
  context.with(trace.setSpan(context.active(), span), () => {
    logger.debug('dropped');
    logger.info('kept');
  });
  span.end();
  expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
    expect.objectContaining({ msg: 'kept', trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId }),
  ]);
});

test('development lines read as `[name] message {fields}` without trace noise', () => {
  const { lines, out } = capture();
  createLogger('embedded', 'info', false, out).info('listening', { url: 'http://localhost:4000/graphql' });
  expect(lines).toEqual(['[embedded] listening {"url":"http://localhost:4000/graphql"}\n']);
});
