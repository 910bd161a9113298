// A router whose request validation failures become the API's 400, naming each wrong field.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AuthUser } from '../services/auth.js';
import type { AppDeps } from './app.js';
import { validationError } from './errors.js';

export type AppEnv = { Variables: { deps: AppDeps; user: AuthUser } };

export function newRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
    },
  });
}

/** Every authenticated route declares this, so the OpenAPI document shows the lock. */
export const bearer = [{ bearerAuth: [] }];
