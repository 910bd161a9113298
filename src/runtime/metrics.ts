// The process's Prometheus metrics (prom-client): Node.js process metrics, HTTP request duration
// by route and status, decision trail appends, and the task queue backlog Temporal reports.
// Served at GET /metrics by the API and by a worker's operations port (OPS_PORT). The Temporal
// SDK's own metrics (activity and workflow task latency) are served by its runtime at
// TEMPORAL_METRICS_ADDRESS: see the README's "Operations".
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by method, route (its pattern, not the path) and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const trailAppends = new Counter({
  name: 'trail_events_appended_total',
  help: 'Decision trail events stored, by the stream type of the write (a bid, a meeting or a round)',
  labelNames: ['stream_type'] as const,
  registers: [registry],
});

type BacklogProbe = () => Promise<{ workflow: number; activity: number }>;
let backlogProbe: BacklogProbe | undefined;

/** Where the backlog gauge reads from on each scrape (the API sets it; a worker too). */
export function setBacklogProbe(probe: BacklogProbe | undefined): void {
  backlogProbe = probe;
}

new Gauge({
  name: 'temporal_task_queue_backlog',
  help: "Tasks waiting on this service's task queue, as Temporal approximates them (workflow and activity tasks)",
  labelNames: ['type'] as const,
  registers: [registry],
  async collect() {
    if (!backlogProbe) return;
    try {
      const { workflow, activity } = await backlogProbe();
      this.set({ type: 'workflow' }, workflow);
      this.set({ type: 'activity' }, activity);
    } catch {
      // Temporal not answering: no sample, rather than a wrong one; /health/ready says why.
      this.reset();
    }
  },
});

export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
