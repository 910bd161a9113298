// The Hono app: one router per resource, every input through a zod schema, one error format.
// createApp({ db, temporal }) so tests drive the real thing through app.request().
import type { Client } from '@temporalio/client';
import { bodyLimit } from 'hono/body-limit';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { ApiError, renderError, toApiError } from './errors.js';
import { newRouter } from './router.js';
import { bidsRouter } from './routes/bids.js';
import { healthRouter } from './routes/health.js';

export interface AppDeps {
  db: Db;
  temporal: { client: Client; taskQueue: string };
  config: Config;
  log?: (line: string) => void;
}


export function createApp(deps: AppDeps) {
  const log = deps.log ?? ((line: string) => console.error(line));
  const app = newRouter();

  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use(
    '*',
    bodyLimit({
      maxSize: deps.config.MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', `The request body is larger than ${deps.config.MAX_BODY_BYTES} bytes`);
      },
    }),
  );

  app.route('/', healthRouter());
  app.route('/', bidsRouter());

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Clinical prioritisation',
      version: '0.1.0',
      description: 'Funding bids through evaluation hub review, clinical scoring, CCP Assembly sign-off and allocation.',
    },
  });

  app.notFound((c) => renderError(c, new ApiError(404, 'not_found', `No route for ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) log(`${c.req.method} ${c.req.path} failed: ${(error).stack ?? String(error)}`);
    return renderError(c, apiError);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
