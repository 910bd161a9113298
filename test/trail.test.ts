// The decision trail on the real PostgreSQL: append-only, idempotent, hash-chained, verifiable.
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvents, readStream, verifyStream } from '../src/activities/trail.js';
import type { TrailEventInput } from '../src/domain/trail.js';
import { createTestContext, type TestContext } from './helpers/context.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ startWorker: false });
});
afterAll(async () => ctx?.close());

const event = (stream: string, n: number, payload: Record<string, unknown> = {}): TrailEventInput => ({
  eventId: `${stream}#${n}`,
  occurredAt: new Date(Date.UTC(2026, 10, 22, 9, 0, n)).toISOString(),
  actorId: 'user-1',
  actorRole: 'evaluator',
  action: `step.${n}`,
  fromState: 'HUB_REVIEW',
  toState: 'HUB_REVIEW',
  payload,
});

async function append(stream: string, events: TrailEventInput[]) {
  return ctx.db.transaction((tx) => appendEvents(tx, 'bid', stream, events, ctx.config.TRAIL_SEAL_KEY));
}

describe('the decision trail', () => {
  it('stores an event written twice (a retried activity) once', async () => {
    const stream = ctx.reference();
    expect(await append(stream, [event(stream, 1), event(stream, 2)])).toEqual({ stored: 2, lastSeq: 2 });
    expect(await append(stream, [event(stream, 1), event(stream, 2)])).toEqual({ stored: 0, lastSeq: 2 });
    expect(await append(stream, [event(stream, 2), event(stream, 3)])).toEqual({ stored: 1, lastSeq: 3 });
    expect((await readStream(ctx.db, stream)).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('keeps one unbroken chain when many writers append at once', async () => {
    const stream = ctx.reference();
    await Promise.all(Array.from({ length: 20 }, (_, i) => append(stream, [event(stream, i + 1)])));
    const events = await readStream(ctx.db, stream);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await verifyStream(ctx.db, stream)).toMatchObject({ valid: true, events: 20 });
  });

  it('is refused UPDATE, DELETE and TRUNCATE by the database itself', async () => {
    const stream = ctx.reference();
    await append(stream, [event(stream, 1)]);
    await expect(ctx.db.execute(sql`update decision_events set action = 'forged' where stream_id = ${stream}`)).rejects.toThrow();
    await expect(ctx.db.execute(sql`delete from decision_events where stream_id = ${stream}`)).rejects.toThrow();
    await expect(ctx.db.execute(sql`truncate decision_events`)).rejects.toThrow();
    const cause = await ctx.db.execute(sql`delete from decision_events where stream_id = ${stream}`).catch((e: Error) => e.cause ?? e);
    expect(String((cause as Error).message)).toContain('decision_events is append-only: DELETE is not allowed');
    expect(await readStream(ctx.db, stream)).toHaveLength(1);
  });

  it('reports the first broken link when someone with the power to bypass the trigger edits an event', async () => {
    const stream = ctx.reference();
    await append(stream, [1, 2, 3, 4].map((n) => event(stream, n, { rating: n })));
    expect(await verifyStream(ctx.db, stream)).toMatchObject({ valid: true, events: 4 });

    // A superuser can switch the trigger off; the chain still gives the edit away.
    const admin = postgres(ctx.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.begin(async (tx) => {
        await tx`alter table decision_events disable trigger decision_events_no_update_delete`;
        await tx`update decision_events set payload = '{"rating": 5}'::jsonb where stream_id = ${stream} and seq = 3`;
        await tx`alter table decision_events enable trigger decision_events_no_update_delete`;
      });
    } finally {
      await admin.end();
    }
    expect(await verifyStream(ctx.db, stream)).toEqual({
      valid: false,
      events: 3,
      brokenAt: { seq: 3, eventId: `${stream}#3`, kind: 'event_changed', reason: expect.stringContaining('contents do not match the recorded hash') },
    });
  });

  it('reports a deleted event as a missing link', async () => {
    const stream = ctx.reference();
    await append(stream, [1, 2, 3].map((n) => event(stream, n)));
    const admin = postgres(ctx.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.begin(async (tx) => {
        await tx`alter table decision_events disable trigger decision_events_no_update_delete`;
        await tx`delete from decision_events where stream_id = ${stream} and seq = 2`;
        await tx`alter table decision_events enable trigger decision_events_no_update_delete`;
      });
    } finally {
      await admin.end();
    }
    expect(await verifyStream(ctx.db, stream)).toMatchObject({ valid: false, brokenAt: { seq: 2, reason: expect.stringContaining('missing') } });
  });
});
