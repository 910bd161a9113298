// What a request carries to the services beneath it without every call passing it on: the
// caller's Idempotency-Key (the API's header, or the key a web form was rendered with).
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  /** The key a retry of this request sends again: it makes an action count once. */
  idempotencyKey?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const withRequestContext = <T>(context: RequestContext, fn: () => T): T => storage.run(context, fn);
export const requestContext = (): RequestContext => storage.getStore() ?? {};
