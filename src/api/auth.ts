// Bearer-token authentication for every route but health and the documentation.
import { createMiddleware } from 'hono/factory';
import { authenticate } from '../services/auth.js';
import { ApiError } from './errors.js';
import type { AppEnv } from './router.js';

/** Requires a bearer token on every path but those `isPublic` lets through. */
export const requireUser = (isPublic: (path: string) => boolean) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (isPublic(c.req.path)) return next();
    const header = c.req.header('authorization');
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) {
      c.header('WWW-Authenticate', 'Bearer realm="clinical-prioritisation"');
      throw new ApiError(401, 'unauthenticated', 'Send your API token as Authorization: Bearer <token>');
    }
    const user = await authenticate(c.get('deps').db, match[1]!);
    if (!user) {
      c.header('WWW-Authenticate', 'Bearer realm="clinical-prioritisation", error="invalid_token"');
      throw new ApiError(401, 'unauthenticated', 'The token is not valid: it may be mistyped, revoked or expired, or its user deactivated');
    }
    c.set('user', user);
    await next();
  });
