// The Hono app: one router per resource, every input through a zod schema, one error format.
// createApp({ db, temporal }) so tests drive the real thing through app.request().
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { matchedRoutes } from 'hono/route';
import { bodyLimit } from 'hono/body-limit';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { ApiError, renderError, toApiError } from './errors.js';
import { newRouter } from './router.js';
import { bidsRouter } from './routes/bids.js';
import { healthRouter } from './routes/health.js';
import { adminRouter } from './routes/admin.js';
import { notificationsRouter } from './routes/notifications.js';
import { meetingsRouter } from './routes/meetings.js';
import { reviewsRouter } from './routes/reviews.js';
import { trailRouter } from './routes/trail.js';
import { scoresRouter } from './routes/scores.js';
import { roundsRouter } from './routes/rounds.js';
import { publicationRouter } from './routes/publication.js';
import { registerRouter } from './routes/register.js';
import { docsRouter } from './docs.js';
import { requireUser } from './auth.js';
import { webRouter } from '../web/app.js';
import { withRequestContext } from '../services/context.js';
import { createLogger, type Logger } from '../runtime/log.js';
import { httpRequestDuration } from '../runtime/metrics.js';
import type { Tracing } from '../runtime/tracing.js';

const PUBLIC = [/^\/health(\/live|\/ready)?$/, /^\/metrics$/, /^\/openapi\.json$/, /^\/docs(\/|$)/, /^\/$/, /^\/app(\/|$)/, /^\/assets\//];
const isPublic = (path: string) => PUBLIC.some((re) => re.test(path));

export interface AppDeps {
  db: Db;
  temporal: { client: Client; taskQueue: string };
  config: Config;
  /** Signs the web pages' session cookies (see src/web/session.ts). */
  sessionSecret: string;
  /** Where request and error lines go; without it, errors only, as JSON on stderr. */
  logger?: Logger;
  /** OpenTelemetry: a server span per request, the parent of what its handlers do. */
  tracing?: Tracing;
}

const REQUEST_ID = /^[\w.:@-]{1,128}$/;


export function createApp(deps: AppDeps) {
  const logger = deps.logger ?? createLogger('error', 'api');
  const app = newRouter();

  // Every request gets an id (the caller's X-Request-Id if it is a sane one), echoed back and on
  // every line logged for it; its duration is measured by route pattern, never by raw path.
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    const given = c.req.header('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    const span = deps.tracing?.startRequestSpan(c.req.method, c.req.path, c.req.raw.headers);
    const log = logger.child(span ? { requestId, traceId: span.traceId } : { requestId });
    c.set('requestId', requestId);
    c.set('log', log);
    const started = performance.now();
    try {
      await (span ? span.run(next) : next());
    } finally {
      const seconds = (performance.now() - started) / 1000;
      // The route is the pattern of the handler that matched (middleware is registered for ALL);
      // a path no handler matches is 'unmatched', so raw paths never become labels.
      // hono's helper takes Context<any>; ours is typed, which the linter calls unsafe.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-argument
      const handler = matchedRoutes(c).filter((r) => r.method !== 'ALL').at(-1);
      const route = handler?.path ?? 'unmatched';
      span?.end(route, c.res.status);
      c.res.headers.set('x-request-id', requestId);
      httpRequestDuration.observe({ method: c.req.method, route, status: String(c.res.status) }, seconds);
      if (route !== '/health/live' && route !== '/health/ready' && route !== '/metrics') {
        log.info('request', { method: c.req.method, route, path: c.req.path, status: c.res.status, ms: Math.round(seconds * 1000) });
      }
    }
  });
  // Reads carry no body, so they skip the limit's stream wrapping (it costs the hottest route ~10%).
  const limitBody = bodyLimit({
    maxSize: deps.config.MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `The request body is larger than ${deps.config.MAX_BODY_BYTES} bytes`);
    },
  });
  // hono's middleware takes Context<any>; ours is typed, which the linter calls unsafe.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-argument
  app.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));

  // An action sent with an Idempotency-Key counts once, however often it is sent.
  app.use('*', async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (key !== undefined && !/^[\x21-\x7e]{8,100}$/.test(key)) {
      throw new ApiError(400, 'validation_failed', 'The request is not valid: Idempotency-Key', [
        { field: 'header.idempotency-key', rule: 'idempotency_key', message: 'must be 8 to 100 printable characters, no spaces' },
      ]);
    }
    await withRequestContext({ idempotencyKey: key }, next);
  });

  // Every route needs a bearer token but health, the API's documentation and the web pages.
  app.use('*', requireUser(isPublic));

  app.route('/', healthRouter());
  app.route('/', docsRouter());
  app.route('/', webRouter(deps));
  app.route('/', bidsRouter());
  app.route('/', reviewsRouter());
  app.route('/', meetingsRouter());
  app.route('/', trailRouter());
  app.route('/', scoresRouter());
  app.route('/', roundsRouter());
  app.route('/', publicationRouter());
  app.route('/', registerRouter());
  app.route('/', adminRouter());
  app.route('/', notificationsRouter());

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token. Demo tokens: `npm run demo:tokens`; others from an admin (POST /admin/users/{userId}/tokens).',
  });

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Clinical prioritisation',
      version: '0.1.0',
      description:
        'Funding bids for an NHS Integrated Care Board, through evaluation hub review, rules-based clinical scoring, CCP Assembly sign-off and allocation within a budget, ' +
        'with a hash-chained decision trail. Every error is `{ "error": { "code", "message", "details" } }`.',
    },
    tags: [
      { name: 'Bids', description: 'Programme teams submit, follow, resubmit and withdraw bids' },
      { name: 'Evaluation hub', description: 'Review queue and review steps' },
      { name: 'Assembly', description: 'CCP Assembly meetings, votes and decisions' },
      { name: 'Decision trail', description: 'Who decided what, when, and why: query, export, verify' },
      { name: 'Funding rounds', description: 'Allocation within a budget envelope, what-if runs, finance confirmation' },
      { name: 'Finance', description: 'Money supported and committed' },
      { name: 'Admin', description: 'Users, tokens, configuration' },
    ],
  });

  app.notFound((c) => renderError(c, new ApiError(404, 'not_found', `No route for ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) {
      const log = c.get('log') ?? logger;
      log.error(`${c.req.method} ${c.req.path} failed: ${error.message}`, { err: { name: error.name, message: error.message, stack: error.stack } });
    }
    return renderError(c, apiError);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
