// OpenTelemetry traces. With tracing on (the same startTracing that OTEL_EXPORTER_OTLP_ENDPOINT
// turns on), a bid submitted over HTTP is one trace, continuing the caller's traceparent: the
// request's server span, the Temporal client's update-with-start, the workflow's run and the
// activities it ran, sent by the real OTLP/HTTP exporter to a receiver in this test that parses
// what arrives. Without the setting, nothing of OpenTelemetry is loaded.
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowsPath } from '../src/runtime/worker.js';
import { startTracing, WORKFLOW_TRACING_MODULE, type Tracing } from '../src/runtime/tracing.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { call, until } from './helpers/http.js';
import { smallBid } from './helpers/lifecycle.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: { stringValue?: string; intValue?: number | string } }[];
}
interface Received {
  service: string | undefined;
  span: OtlpSpan;
}

// OTLP's SpanKind number for a server span.
const SERVER = 2;

const received: Received[] = [];
const requests: { path: string; contentType: string | undefined }[] = [];
let receiver: http.Server;
let tracing: Tracing;
let ctx: TestContext;

beforeAll(async () => {
  // An OTLP/HTTP receiver: what the exporter POSTs to /v1/traces, as OTLP JSON.
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', contentType: req.headers['content-type'] });
      const parsed = JSON.parse(body) as {
        resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
      };
      for (const rs of parsed.resourceSpans) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
        for (const ss of rs.scopeSpans) for (const span of ss.spans) received.push({ service, span });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  tracing = await startTracing({ endpoint: `http://127.0.0.1:${port}/`, serviceName: 'cp-tracing-test' });
  // The workflows as a traced worker runs them: with the tracing workflow interceptors bundled in.
  const { code } = await bundleWorkflowCode({ workflowsPath: workflowsPath(), workflowInterceptorModules: [WORKFLOW_TRACING_MODULE], logger: new DefaultLogger('WARN') });
  ctx = await createTestContext({ tracing, workflowBundle: { code } });
});
afterAll(async () => {
  await ctx?.close();
  await tracing?.shutdown();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('traces where an OTLP endpoint is configured', () => {
  it('follows a bid submission from the HTTP request through the workflow into its activities, in the caller\'s trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const submitted = await call(ctx, 'amira.hassan', 'POST', '/bids', smallBid({ title: 'Traced: frailty hubs' }), {
      traceparent: `00-${traceId}-${callerSpan}-01`,
    });
    expect(submitted.status).toBe(201);
    const reference: string = submitted.body.reference;
    // The workflow goes on to assign an evaluator: activities have run by then.
    await until(ctx, 'amira.hassan', `/bids/${reference}`, (b) => b.status.review?.reviews.length === 1, 'an evaluator');

    const inTrace = () => received.filter((r) => r.span.traceId === traceId);
    const deadline = Date.now() + 60_000;
    while (!inTrace().some((r) => r.span.name === 'RunActivity:assignEvaluators') && Date.now() < deadline) {
      await tracing.flush();
      await new Promise((r) => setTimeout(r, 200));
    }
    const spans = inTrace().map((r) => r.span);
    expect(spans.map((s) => s.name), `spans received: ${received.map((r) => `${r.span.traceId.slice(0, 6)} ${r.span.name}`).join(', ')}`).toContain('RunActivity:assignEvaluators');
    const named = (prefix: string) => spans.filter((s) => s.name.startsWith(prefix));

    // The request: a server span named by its route, the child of the caller's span.
    const [server] = named('POST /bids');
    expect(server).toMatchObject({ kind: SERVER, parentSpanId: callerSpan });
    expect(server!.attributes).toContainEqual({ key: 'http.route', value: { stringValue: '/bids' } });
    // The Temporal client's update-with-start, inside the request.
    const [start] = named('UpdateWithStartWorkflow:submissionReceipt');
    expect(start).toMatchObject({ parentSpanId: server!.spanId });
    // In the workflow: the update handled, and the activities it scheduled and the worker ran
    // (the intake check, the trail commit, the evaluators' assignment), all in the one trace.
    expect(named('HandleUpdate:submissionReceipt')).not.toHaveLength(0);
    const run = named('RunActivity:').map((s) => s.name);
    for (const activity of ['checkIntake', 'commit', 'assignEvaluators']) {
      expect(named(`StartActivity:${activity}`)).not.toHaveLength(0);
      expect(run).toContain(`RunActivity:${activity}`);
    }
    // Sent as OTLP/HTTP to <endpoint>/v1/traces, under the configured service name.
    expect(new Set(inTrace().map((r) => r.service))).toEqual(new Set(['cp-tracing-test']));
    expect(requests.every((r) => r.path === '/v1/traces' && r.contentType === 'application/json')).toBe(true);
  }, 180_000);

  it('loads no OpenTelemetry module unless tracing is configured', async () => {
    const script = fileURLToPath(new URL('./helpers/tracing-loaded.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '' } });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as { unconfigured: string[]; configured: string[] };
    // The system, the worker, the API and the tracing module itself, imported: no SDK, exporter or
    // interceptor (the API facade prom-client always loads does not count).
    expect(report.unconfigured).toEqual([]);
    // The same check, once tracing is started, does see them: it can tell.
    expect(report.configured.some((m) => m.includes('@opentelemetry/sdk-trace-node'))).toBe(true);
  }, 180_000);
});
