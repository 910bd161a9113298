// For test/tracing.test.ts: which OpenTelemetry modules a process has loaded after importing
// the system, worker, API and tracing modules with tracing not configured, then after starting it.
// @opentelemetry/api itself does not count: prom-client always loads it (its no-op facade, for
// exemplars); the SDK, the exporter and Temporal's interceptors are what tracing would load.
import { createRequire } from 'node:module';
import { loadConfig } from '../../src/config.js';
import '../../src/runtime/system.js';
import '../../src/runtime/worker.js';
import '../../src/api/app.js';
import { startTracing, tracingFromConfig } from '../../src/runtime/tracing.js';

const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((file) => /[\\/]@opentelemetry[\\/](?!api[\\/])|interceptors-opentelemetry/.test(file));
const off = await tracingFromConfig(loadConfig({}), 'api');
const unconfigured = off === undefined ? loaded() : ['tracingFromConfig started tracing without OTEL_EXPORTER_OTLP_ENDPOINT'];
const on = await startTracing({ endpoint: 'http://127.0.0.1:9', serviceName: 'loaded-check' });
const configured = loaded();
await on.shutdown();
process.stdout.write(`${JSON.stringify({ unconfigured, configured })}\n`);
