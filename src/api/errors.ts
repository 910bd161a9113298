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
  if (error.status === 503) c.header('Retry-After', String(RETRY_AFTER_SECONDS));
  return c.json({ error: { code: error.code, message: error.message, details: error.details ?? null } }, error.status);
}

const DB_CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED']);
/** grpc status codes: the call did not get through, or got no answer in time. */
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/** Seconds a client should wait before sending again, when a part is unavailable. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * A part the service depends on did not answer: PostgreSQL (no connection, shutting down, too
 * many connections) or Temporal (unavailable, or no answer in time). Such errors are 503s, never
 * 500s; an action that got no answer may have been applied, and says how to retry safely.
 */
export function dependencyError(error: unknown): ApiError | undefined {
  for (let e = error as { code?: unknown; cause?: unknown; name?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth += 1) {
    const code = e.code;
    if (typeof code === 'string' && (DB_CONNECTION_CODES.has(code) || code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code))) {
      return new ApiError(503, 'service_unavailable', 'The database is not answering just now; try again shortly', { dependency: 'database', retryAfterSeconds: RETRY_AFTER_SECONDS });
    }
    // The client gave up waiting for an Update's answer: at the deadline ACTION_TIMEOUT sets, it
    // reports 'Timeout expired', or under load sometimes 'Call cancelled' (grpc CANCELLED). Either
    // way the action may have been applied: a 503 with the unknown outcome, as for DEADLINE_EXCEEDED.
    const updateGaveUp = e.name === 'WorkflowUpdateRPCTimeoutOrCancelledError';
    if (code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED || updateGaveUp) {
      const unknown = code === GRPC_DEADLINE_EXCEEDED || updateGaveUp;
      return new ApiError(
        503,
        'service_unavailable',
        unknown
          ? 'The workflow engine did not answer in time. An action may have been applied: send it again with the same Idempotency-Key, which applies it at most once'
          : 'The workflow engine is not answering just now; try again shortly (with the same Idempotency-Key, for an action)',
        { dependency: 'temporal', retryAfterSeconds: RETRY_AFTER_SECONDS, outcome: unknown ? 'unknown' : 'not_applied' },
      );
    }
  }
  return undefined;
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const unavailable = dependencyError(error);
  if (unavailable) return unavailable;
  if (error instanceof HTTPException) {
    if (error.status === 413) return new ApiError(413, 'payload_too_large', 'The request body is too large');
    if (error.status === 400) return new ApiError(400, 'malformed_body', error.message || 'The request body is malformed');
    if (error.status === 415) {
      return new ApiError(415, 'unsupported_media_type', 'The request body must be sent as application/json (Content-Type: application/json)', [
        { field: 'content-type', rule: 'media_type', message: 'must be application/json' },
      ]);
    }
    return new ApiError(error.status, 'http_error', error.message || 'The request failed');
  }
  return new ApiError(500, 'internal_error', 'Something went wrong on our side; it has been logged');
}
