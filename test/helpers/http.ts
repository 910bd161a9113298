// HTTP helpers for API tests: call as a demo user, read JSON, wait for progress.
import type { TestContext } from './context.js';
import { jsonOf } from './fixtures.js';

export interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

export async function call(ctx: TestContext, userId: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const init: RequestInit = { method, headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = userId ? await ctx.api(userId, path, init) : await ctx.app.request(path, init);
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: type.includes('json') ? await jsonOf(res) : await res.text(), headers: res.headers };
}

/** Polls a GET as a user until `ready` holds: for work the workflows do in the background. */
export async function until(ctx: TestContext, userId: string, path: string, ready: (body: Reply['body']) => boolean, what: string, timeoutMs = 30_000): Promise<Reply['body']> {
  const deadline = Date.now() + timeoutMs;
  let last: Reply | undefined;
  while (Date.now() < deadline) {
    last = await call(ctx, userId, 'GET', path);
    if (last.status === 200 && ready(last.body)) return last.body;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${path} never showed ${what}: last answer ${last?.status} ${JSON.stringify(last?.body).slice(0, 300)}`);
}
