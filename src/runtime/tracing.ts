// OpenTelemetry traces, only where OTEL_EXPORTER_OTLP_ENDPOINT is set: without it nothing of
// OpenTelemetry is even loaded (the imports below are types, the code is imported on start).
// With it, one trace follows an action from the HTTP request (a span per request, continuing the
// caller's W3C traceparent) through the Temporal client (starting or updating the workflow)
// into the workflow (its run, updates and activity scheduling, from the workflow interceptors
// of @temporalio/interceptors-opentelemetry, which are deterministic: their spans leave the
// sandbox through a sink, not I/O) and into each activity, exported over OTLP/HTTP.
import { createRequire } from 'node:module';
import type { Span } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { OpenTelemetryWorkflowExporter } from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions.js';
import type { Config } from '../config.js';

/** The module of workflow interceptors a traced workflow bundle is built with. */
export const WORKFLOW_TRACING_MODULE = createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

export interface RequestSpan {
  traceId: string;
  /** Runs the request's handlers with this span as the active one. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Names the span by its route pattern and ends it. */
  end(route: string, status: number): void;
}

export interface Tracing {
  serviceName: string;
  /** For `new Client({ interceptors: { workflow } })`: starts and updates carry the trace. */
  clientInterceptors: { workflow: WorkflowClientInterceptor[] };
  /** For the worker: activity interceptors and the sink the workflow interceptors export through. */
  activityInterceptors: ActivityInterceptorsFactory[];
  sinks: InjectedSinks<{ exporter: OpenTelemetryWorkflowExporter }>;
  /** A server span for one HTTP request. */
  startRequestSpan(method: string, path: string, headers: Headers): RequestSpan;
  /** Exports what has ended so far. */
  flush(): Promise<void>;
  /** Exports what is left and stops. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** The OTLP/HTTP endpoint's base URL; traces go to <endpoint>/v1/traces. */
  endpoint: string;
  serviceName: string;
  /** Another exporter than OTLP/HTTP (a test's in-memory one). */
  exporter?: SpanExporter;
}

/** The `service.name` of a process: OTEL_SERVICE_NAME, else the project's name and the command's. */
export function serviceNameOf(config: Pick<Config, 'OTEL_SERVICE_NAME'>, command: string): string {
  if (config.OTEL_SERVICE_NAME) return config.OTEL_SERVICE_NAME;
  return command === 'clinical-prioritisation' ? command : `clinical-prioritisation-${command}`;
}

/** Tracing as configured, or undefined (and nothing loaded) without OTEL_EXPORTER_OTLP_ENDPOINT. */
export async function tracingFromConfig(config: Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SERVICE_NAME'>, command: string): Promise<Tracing | undefined> {
  if (!config.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  return startTracing({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: serviceNameOf(config, command) });
}

export async function startTracing(options: TracingOptions): Promise<Tracing> {
  const [otel, { Resource }, { BatchSpanProcessor }, { NodeTracerProvider }, { OTLPTraceExporter }, client, worker] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@temporalio/interceptors-opentelemetry/lib/client/index.js'),
    import('@temporalio/interceptors-opentelemetry/lib/worker/index.js'),
  ]);
  const resource = new Resource({ 'service.name': options.serviceName });
  const exporter = options.exporter ?? new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` });
  const processor = new BatchSpanProcessor(exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // The global provider, W3C trace context and an AsyncLocalStorage context manager, so a span
  // started in a request is the parent of what the request's handlers do.
  provider.register();
  const tracer = provider.getTracer('clinical-prioritisation');

  return {
    serviceName: options.serviceName,
    clientInterceptors: { workflow: [new client.OpenTelemetryWorkflowClientInterceptor({ tracer })] },
    activityInterceptors: [
      (ctx) => ({
        inbound: new worker.OpenTelemetryActivityInboundInterceptor(ctx, { tracer }),
        outbound: new worker.OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
    ],
    sinks: { exporter: worker.makeWorkflowExporter(processor, resource) },
    startRequestSpan(method, path, headers) {
      const carrier: Record<string, string> = {};
      headers.forEach((value, key) => (carrier[key] = value));
      const parent = otel.propagation.extract(otel.ROOT_CONTEXT, carrier);
      const span: Span = tracer.startSpan(
        method,
        { kind: otel.SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } },
        parent,
      );
      const active = otel.trace.setSpan(parent, span);
      return {
        traceId: span.spanContext().traceId,
        run: (fn) => otel.context.with(active, fn),
        end(route, status) {
          span.updateName(`${method} ${route}`);
          span.setAttribute('http.route', route);
          span.setAttribute('http.response.status_code', status);
          if (status >= 500) span.setStatus({ code: otel.SpanStatusCode.ERROR });
          span.end();
        },
      };
    },
    flush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      otel.trace.disable();
      otel.propagation.disable();
      otel.context.disable();
    },
  };
}
