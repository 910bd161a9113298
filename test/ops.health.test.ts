// Operations routes on the real parts: liveness, readiness (Temporal, PostgreSQL, migrations;
// 503 naming what is wrong), request ids, Prometheus metrics (HTTP by route pattern, trail
// appends, the task queue backlog) with and without METRICS_TOKEN, and a worker's operations port.
import { Connection, Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/api/app.js';
import { openPostgres } from '../src/db/client.js';
import { startOpsServer } from '../src/runtime/ops-server.js';
import { setBacklogProbe } from '../src/runtime/metrics.js';
import { backlogProbe } from '../src/runtime/probes.js';
import { adminUrl, databaseUrl } from './helpers/databases.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { call } from './helpers/http.js';
import { smallBid, submit, waitForBid } from './helpers/lifecycle.js';
import postgres from 'postgres';
import { readFileSync } from 'node:fs';

let ctx: TestContext;
const emptyDb = `cp_ops_empty_${process.pid}_${Date.now().toString(36)}`;
beforeAll(async () => {
  ctx = await createTestContext();
  const sql = postgres(adminUrl(), { max: 1, onnotice: () => {} });
  await sql.unsafe(`create database "${emptyDb}"`);
  await sql.end();
});
afterAll(async () => {
  await ctx?.close();
  const sql = postgres(adminUrl(), { max: 1, onnotice: () => {} });
  await sql.unsafe(`drop database if exists "${emptyDb}" with (force)`);
  await sql.end();
});

const secret = 'test-session-secret-of-at-least-32-characters';

describe('health', () => {
  it('is live and ready on working parts, and keeps /health', async () => {
    const live = await call(ctx, null, 'GET', '/health/live');
    expect(live).toMatchObject({ status: 200, body: { ok: true } });
    const ready = await call(ctx, null, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ ok: true, temporal: { ok: true }, database: { ok: true }, migrations: { ok: true } });
    expect((await call(ctx, null, 'GET', '/health')).body).toMatchObject({ ok: true });
  });

  it('is not ready on a database without the migrations, or when Temporal does not answer', async () => {
    const empty = await openPostgres(databaseUrl(emptyDb), 1, 2);
    try {
      const app = createApp({ db: empty.db, temporal: { client: ctx.client, taskQueue: ctx.taskQueue }, config: ctx.config, sessionSecret: secret });
      const res = await app.request('/health/ready');
      expect(res.status).toBe(503);
      const body = (await res.json()) as { ok: boolean; migrations: { ok: boolean; error: string }; database: { ok: boolean } };
      expect(body.ok).toBe(false);
      expect(body.database.ok).toBe(true);
      expect(body.migrations.ok).toBe(false);
      // Every migration this code carries, named in order, the last one last.
      const journal = JSON.parse(readFileSync(new URL('../src/db/migrations/meta/_journal.json', import.meta.url), 'utf8')) as { entries: { tag: string }[] };
      expect(body.migrations.error).toBe(`not applied: ${journal.entries.map((e) => e.tag).join(', ')}`);
      // Live all the same: the process is up, restarting it would not help.
      expect((await app.request('/health/live')).status).toBe(200);
    } finally {
      await empty.close();
    }

    const nowhere = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' }) });
    const app = createApp({ db: ctx.db, temporal: { client: nowhere, taskQueue: ctx.taskQueue }, config: ctx.config, sessionSecret: secret });
    const res = await app.request('/health/ready');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { temporal: { ok: boolean; error: string }; database: { ok: boolean } };
    expect(body.temporal.ok).toBe(false);
    expect(body.temporal.error).toBeTruthy();
    expect(body.database.ok).toBe(true);
  });
});

describe('request ids', () => {
  it('gives every response one, keeping a sane one the caller sent', async () => {
    const own = await call(ctx, null, 'GET', '/health/live', undefined, { 'x-request-id': 'lb-1234.abc' });
    expect(own.headers.get('x-request-id')).toBe('lb-1234.abc');
    const made = await call(ctx, null, 'GET', '/health/live', undefined, { 'x-request-id': 'no spaces <allowed>' });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const error = await call(ctx, 'amira.hassan', 'GET', '/bids/NO-SUCH-0001');
    expect(error.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('metrics', () => {
  it('counts requests by route pattern and status, and trail appends', async () => {
    const reference = await submit(ctx, smallBid({ reference: ctx.reference() }));
    await waitForBid(ctx, reference, (b) => b.state === 'HUB_REVIEW', 'intake');
    await call(ctx, 'amira.hassan', 'GET', `/bids/${reference}`);
    await call(ctx, null, 'GET', '/no/such/route');
    const text = (await call(ctx, null, 'GET', '/metrics')).body as string;
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="POST",route="\/bids",status="201"\} \d+$/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/bids\/:reference",status="200"\} \d+$/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="unmatched",status="401"\} \d+$/m);
    expect(text).not.toContain(reference); // never the raw path
    const appended = /^trail_events_appended_total\{stream_type="bid"\} (\d+)$/m.exec(text);
    expect(Number(appended?.[1])).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('reports the task queue backlog Temporal approximates', async () => {
    setBacklogProbe(backlogProbe(ctx.client, 'default', ctx.taskQueue));
    try {
      const text = (await call(ctx, null, 'GET', '/metrics')).body as string;
      expect(text).toMatch(/^temporal_task_queue_backlog\{type="workflow"\} \d+$/m);
      expect(text).toMatch(/^temporal_task_queue_backlog\{type="activity"\} \d+$/m);
    } finally {
      setBacklogProbe(undefined);
    }
  });

  it('asks for METRICS_TOKEN when one is set', async () => {
    const token = 'metrics-token-0123456789';
    const app = createApp({ db: ctx.db, temporal: { client: ctx.client, taskQueue: ctx.taskQueue }, config: { ...ctx.config, METRICS_TOKEN: token }, sessionSecret: secret });
    const refused = await app.request('/metrics');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    expect((await app.request('/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await app.request('/metrics', { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain');
  });
});

describe("a worker's operations port", () => {
  it('serves live, ready (with the worker running) and metrics', async () => {
    let running = true;
    const ops = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      db: ctx.db,
      client: ctx.client,
      namespace: 'default',
      worker: () => (running ? { ok: true } : { ok: false, error: 'the worker is STOPPING' }),
      metricsToken: 'metrics-token-0123456789',
    });
    try {
      expect(await (await fetch(`${ops.url}/health/live`)).json()).toEqual({ ok: true });
      const ready = await fetch(`${ops.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ok: true, worker: { ok: true }, migrations: { ok: true } });
      running = false;
      const draining = await fetch(`${ops.url}/health/ready`);
      expect(draining.status).toBe(503);
      expect(await draining.json()).toMatchObject({ ok: false, worker: { ok: false, error: 'the worker is STOPPING' } });
      expect((await fetch(`${ops.url}/metrics`)).status).toBe(401);
      const metrics = await fetch(`${ops.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('trail_events_appended_total');
      expect((await fetch(`${ops.url}/nothing`)).status).toBe(404);
    } finally {
      await ops.close();
    }
  });
});
