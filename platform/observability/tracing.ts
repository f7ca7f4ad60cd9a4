import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface TracingOptions {
  serviceName: string;
  /** An OTLP/HTTP collector (`OTEL_EXPORTER_OTLP_ENDPOINT`): spans are batched and sent there. */
  endpoint?: string | undefined;
  /** Spans go here as they end instead (an in-memory exporter in tests). */
  exporter?: SpanExporter;
}

export interface Tracing {
  /** Sends what is buffered and stops recording. */
  shutdown(): Promise<void>;
}

/**
 * Records traces for this process: a tracer provider with W3C trace context propagation and
 * async context tracking, exporting to `endpoint` (OTLP over HTTP) or `exporter`. With
 * neither, nothing is registered and every span is a no-op, costing next to nothing.
 * `@apollo/gateway` reports its planning, fetch and execution spans to the same provider.
 */
export function startTracing({ serviceName, endpoint, exporter }: TracingOptions): Tracing {
  if (!endpoint && !exporter) return { shutdown: async () => {} };
  const processor = exporter
    ? new SimpleSpanProcessor(exporter)
    : new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint!.replace(/\/$/, '')}/v1/traces` }));
  const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': serviceName }), spanProcessors: [processor] });
  provider.register();
  return {
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** Whether a span is being recorded now: only then are child spans (a SQL statement, say) worth making. */
export const isRecording = (): boolean => trace.getActiveSpan()?.isRecording() ?? false;

/** The W3C `traceparent` of the active span, to carry it across a queue or a socket. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier['traceparent'];
}

/** The context a `traceparent` (or a set of headers holding one) continues; the root context without one. */
export function contextFrom(carrier: Record<string, unknown> | string | undefined): Context {
  if (carrier === undefined) return ROOT_CONTEXT;
  const headers = typeof carrier === 'string' ? { traceparent: carrier } : carrier;
  return propagation.extract(ROOT_CONTEXT, headers);
}

/** Adds the active span's trace context to outgoing headers. */
export const injectTraceContext = (headers: Record<string, string>): void => propagation.inject(context.active(), headers);

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent: the active context when omitted. */
  parent?: Context;
}

/**
 * Runs `work` in a new active span of `tracerName`, ended when `work` settles; a failure is
 * recorded on the span and thrown on.
 */
export function inSpan<T>(tracerName: string, name: string, work: (span: Span) => Promise<T>, { kind = SpanKind.INTERNAL, attributes, parent }: SpanOptions = {}): Promise<T> {
  return trace.getTracer(tracerName).startActiveSpan(name, { kind, attributes }, parent ?? context.active(), async (span) => {
    try {
      const result = await work(span);
      endSpan(span);
      return result;
    } catch (error) {
      endSpan(span, error);
      throw error;
    }
  });
}

/** A span that is not made active: for work that reports its end through a callback. */
export const startSpan = (tracerName: string, name: string, { kind = SpanKind.INTERNAL, attributes, parent }: SpanOptions = {}): Span =>
  trace.getTracer(tracerName).startSpan(name, { kind, attributes }, parent ?? context.active());

/** Ends `span`, recording `error` on it when there is one. */
export function endSpan(span: Span, error?: unknown): void {
  if (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
  }
  span.end();
}

export { SpanKind };
