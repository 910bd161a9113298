// GET /health: does Temporal answer, does the database answer.
import { createRoute, z } from '@hono/zod-openapi';
import { pingDatabase } from '../../db/client.js';
import { newRouter } from '../router.js';

const check = z.object({ ok: z.boolean(), error: z.string().optional() });
const healthSchema = z.object({ ok: z.boolean(), temporal: check, database: check }).openapi('Health');

async function probe(fn: () => Promise<unknown>, timeoutMs = 3000): Promise<z.infer<typeof check>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRouter() {
  return newRouter().openapi(
    createRoute({
      method: 'get',
      path: '/health',
      tags: ['Operations'],
      summary: 'Whether Temporal and the database answer',
      responses: {
        200: { description: 'Both answer', content: { 'application/json': { schema: healthSchema } } },
        503: { description: 'One of them does not', content: { 'application/json': { schema: healthSchema } } },
      },
    }),
    async (c) => {
      const { db, temporal } = c.get('deps');
      const [temporalCheck, databaseCheck] = await Promise.all([
        probe(() => temporal.client.workflowService.getSystemInfo({})),
        probe(() => pingDatabase(db)),
      ]);
      const ok = temporalCheck.ok && databaseCheck.ok;
      return c.json({ ok, temporal: temporalCheck, database: databaseCheck }, ok ? 200 : 503);
    },
  );
}
