// Route-building helpers the routers share: JSON bodies and answers, and the bid action route.
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../openapi.js';
import { bearer } from '../router.js';
import { bidStatusSchema, referenceParam } from '../schemas.js';

export const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
export const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });

/** Every action takes an Idempotency-Key: a retry with the same key gets the first answer and counts once. */
export const idempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(8, 'must be at least 8 characters')
    .max(100)
    .optional()
    .openapi({
      param: { name: 'idempotency-key', in: 'header' },
      description: 'Send one (say a UUID) with every action: a retry with the same key gets the first answer and is applied at most once',
    }),
});

/** POST /bids/{reference}/<path>: a human action on a bid, answered with the bid's status. */
export function bidActionRoute<S extends z.ZodType, R extends z.ZodType = typeof bidStatusSchema>(
  path: string,
  options: { summary: string; description: string; body: S; tag?: string; response?: R },
) {
  return createRoute({
    method: 'post',
    path: `/bids/{reference}/${path}`,
    tags: [options.tag ?? 'Bids'],
    summary: options.summary,
    description: options.description,
    security: bearer,
    request: { params: referenceParam, headers: idempotencyHeader, ...body(options.body) },
    responses: {
      200: json((options.response ?? bidStatusSchema) as R, "The bid's status after the action"),
      ...errorResponses(400, 401, 403, 404, 409, 413, 422),
    },
  });
}
