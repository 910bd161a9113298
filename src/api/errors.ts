// One error type and one renderer: every failure leaves the API as
// { "error": { "code", "message", "details" } }, never a stack trace.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string, details?: FieldProblem[]) => new ApiError(400, 'invalid_request', message, details);
export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} was not found`);

/** A field path as a reader writes it: costs[0].recurrentPence. */
export function fieldPath(path: readonly PropertyKey[], prefix?: string): string {
  let out = prefix ?? '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(body)';
}

export function zodProblems(error: z.ZodError, prefix?: string): FieldProblem[] {
  return error.issues.map((issue) => ({ field: fieldPath(issue.path, prefix), rule: issue.code, message: issue.message }));
}

export function validationError(error: z.ZodError, target: string): ApiError {
  const prefix = target === 'json' ? undefined : target === 'param' ? 'path' : target;
  const problems = zodProblems(error, prefix);
  const fields = [...new Set(problems.map((p) => p.field))];
  return new ApiError(400, 'validation_failed', `The request is not valid: ${fields.join(', ')}`, problems);
}

export function renderError(c: Context, error: ApiError): Response {
  return c.json({ error: { code: error.code, message: error.message, details: error.details ?? null } }, error.status);
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException) {
    if (error.status === 413) return new ApiError(413, 'payload_too_large', 'The request body is too large');
    if (error.status === 400) return new ApiError(400, 'malformed_body', error.message || 'The request body is malformed');
    return new ApiError(error.status, 'http_error', error.message || 'The request failed');
  }
  return new ApiError(500, 'internal_error', 'Something went wrong on our side; it has been logged');
}
