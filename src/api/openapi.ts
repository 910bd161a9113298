// OpenAPI pieces every router shares: the one error body and its statuses.
import { z } from '@hono/zod-openapi';

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string(),
      details: z.unknown().openapi({ description: 'For 400: one entry per wrong field, with the rule it broke' }),
    }),
  })
  .openapi('Error');

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is malformed; details name each wrong field and the rule it broke',
  401: 'No valid bearer token',
  403: 'The caller may not do this; the message says which rule refused it',
  404: 'Not found',
  409: 'The bid or meeting is not in a state that allows this',
  413: 'The request body is too large',
  422: 'The workflow refused the action; the message says why',
};

export function errorResponses<S extends number>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: DESCRIPTIONS[s] ?? 'Error', content: { 'application/json': { schema: errorSchema } } }]),
  ) as Record<S, { description: string; content: { 'application/json': { schema: typeof errorSchema } } }>;
}
