// A worker's operations port (OPS_PORT): GET /health/live, GET /health/ready (as the API's, and
// the worker is running) and GET /metrics, for an orchestrator's probes and Prometheus. The API
// process serves the same routes on its own port instead.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { metricsText } from './metrics.js';
import { readiness, type Check } from './probes.js';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';

export interface OpsServerOptions {
  host: string;
  port: number;
  db: Db;
  client: Client;
  namespace: string;
  worker: () => Check;
  metricsToken?: string;
  /** How long each readiness check may take (DEPENDENCY_TIMEOUT). */
  timeoutMs?: number;
}

export interface OpsServer {
  url: string;
  close(): Promise<void>;
}

function authorised(header: string | undefined, token: string | undefined): boolean {
  if (!token) return true;
  const a = Buffer.from(header ?? '');
  const b = Buffer.from(`Bearer ${token}`);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const json = (status: number, body: unknown) => ({ status, type: 'application/json', body: JSON.stringify(body) });
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: { code: 'method_not_allowed', message: 'Only GET' } });
      if (path === '/health/live') return json(200, { ok: true });
      if (path === '/health/ready') {
        const result = await readiness({ db: options.db, client: options.client, namespace: options.namespace, worker: options.worker, timeoutMs: options.timeoutMs });
        return json(result.ok ? 200 : 503, result);
      }
      if (path === '/metrics') {
        if (!authorised(req.headers.authorization, options.metricsToken)) return json(401, { error: { code: 'unauthenticated', message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>' } });
        const { contentType, body } = await metricsText();
        return { status: 200, type: contentType, body };
      }
      return json(404, { error: { code: 'not_found', message: `No route for ${req.method} ${path}` } });
    };
    answer().then(
      ({ status, type, body }) => res.writeHead(status, { 'content-type': type }).end(req.method === 'HEAD' ? undefined : body),
      (error: Error) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'internal_error', message: error.message } })),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
