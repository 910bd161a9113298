// Operations: GET /health/live (the process answers), GET /health/ready (Temporal and PostgreSQL
// answer and the migrations are applied: send it traffic), GET /health (both dependencies, as
// before), and GET /metrics for Prometheus.
import { timingSafeEqual } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { elapsedMs } from '../../config.js';
import { pingDatabase } from '../../db/client.js';
import { metricsText } from '../../runtime/metrics.js';
import { probe, readiness } from '../../runtime/probes.js';
import { ApiError } from '../errors.js';
import { newRouter } from '../router.js';

const check = z.object({ ok: z.boolean(), error: z.string().optional() });
const healthSchema = z.object({ ok: z.boolean(), temporal: check, database: check }).openapi('Health');
const liveSchema = z.object({ ok: z.literal(true) }).openapi('Liveness');
const readySchema = z.object({ ok: z.boolean(), temporal: check, database: check, migrations: check }).openapi('Readiness');

function tokenMatches(given: string | undefined, wanted: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(`Bearer ${wanted}`);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function healthRouter() {
  return newRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/health',
        tags: ['Operations'],
        summary: 'Whether Temporal and the database answer',
        responses: {
          200: { description: 'Both answer', content: { 'application/json': { schema: healthSchema } } },
          503: { description: 'One of them does not', content: { 'application/json': { schema: healthSchema } } },
        },
      }),
      async (c) => {
        const { db, temporal, config } = c.get('deps');
        const [temporalCheck, databaseCheck] = await Promise.all([
          probe(() => temporal.client.workflowService.getSystemInfo({}), elapsedMs(config.DEPENDENCY_TIMEOUT)),
          probe(() => pingDatabase(db), elapsedMs(config.DEPENDENCY_TIMEOUT)),
        ]);
        const ok = temporalCheck.ok && databaseCheck.ok;
        return c.json({ ok, temporal: temporalCheck, database: databaseCheck }, ok ? 200 : 503);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/health/live',
        tags: ['Operations'],
        summary: 'The process is up and answering (a liveness probe: restart it if not)',
        responses: { 200: { description: 'Up', content: { 'application/json': { schema: liveSchema } } } },
      }),
      (c) => c.json({ ok: true as const }, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/health/ready',
        tags: ['Operations'],
        summary: 'Temporal answers for the namespace, PostgreSQL answers and every migration is applied (a readiness probe: send it traffic)',
        responses: {
          200: { description: 'Ready', content: { 'application/json': { schema: readySchema } } },
          503: { description: 'Not ready: each failing check says why', content: { 'application/json': { schema: readySchema } } },
        },
      }),
      async (c) => {
        const { db, temporal, config } = c.get('deps');
        const result = await readiness({ db, client: temporal.client, namespace: config.TEMPORAL_NAMESPACE, timeoutMs: elapsedMs(config.DEPENDENCY_TIMEOUT) });
        return c.json(result, result.ok ? 200 : 503);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/metrics',
        tags: ['Operations'],
        summary: 'Prometheus metrics of this process (with METRICS_TOKEN set, send it as a bearer token)',
        responses: {
          200: { description: 'The Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
          401: { description: 'METRICS_TOKEN is set and was not sent' },
        },
      }),
      async (c) => {
        const { config } = c.get('deps');
        if (config.METRICS_TOKEN && !tokenMatches(c.req.header('authorization'), config.METRICS_TOKEN)) {
          throw new ApiError(401, 'unauthenticated', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
        }
        const { contentType, body } = await metricsText();
        return c.body(body, 200, { 'content-type': contentType });
      },
    );
}
