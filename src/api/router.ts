// A router whose request validation failures become the API's 400, naming each wrong field.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AuthUser } from '../services/auth.js';
import type { AppDeps } from './app.js';
import type { Logger } from '../runtime/log.js';
import { findUnstorable, STORABLE_MESSAGE } from '../domain/text.js';
import { ApiError, fieldPath, validationError } from './errors.js';

export type AppEnv = { Variables: { deps: AppDeps; user: AuthUser; requestId: string; log: Logger } };

export function newRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
      // Whatever a schema let through, no field may carry text the database cannot store.
      const bad = findUnstorable(result.data);
      if (bad) {
        const field = fieldPath(bad, result.target === 'json' ? undefined : result.target === 'param' ? 'path' : result.target);
        throw new ApiError(400, 'validation_failed', `The request is not valid: ${field}`, [{ field, rule: 'storable_text', message: STORABLE_MESSAGE }]);
      }
    },
  });
}

/** Every authenticated route declares this, so the OpenAPI document shows the lock. */
export const bearer = [{ bearerAuth: [] }];
