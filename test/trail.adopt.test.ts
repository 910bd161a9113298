// An installation upgraded from before the seals: its streams have chains but no sealed heads and
// there is no checkpoint. `npm run trail:seal-existing` seals each stream whose chain holds, leaves
// a broken one unsealed and names it, and the trail then verifies but for that stream; appends
// carry on from the adopted heads, and running it again changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvents } from '../src/activities/trail.js';
import type { TrailEventInput } from '../src/domain/trail.js';
import { verifyTrail } from '../src/services/trail.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { asOwnerWithoutTriggers, runScript } from './helpers/scripts.js';

let ctx: TestContext;
let key: string;
beforeAll(async () => {
  ctx = await createTestContext({ startWorker: false });
  key = ctx.config.TRAIL_SEAL_KEY!;
});
afterAll(async () => {
  await ctx?.close();
});

const event = (stream: string, n: number): TrailEventInput => ({
  eventId: `${stream}#${n}`,
  occurredAt: new Date(Date.UTC(2025, 5, 2, 9, 0, n)).toISOString(),
  actorId: 'user-1',
  actorRole: 'evaluator',
  action: `step.${n}`,
  fromState: 'HUB_REVIEW',
  toState: 'HUB_REVIEW',
  payload: { rating: n },
});

const append = (id: string, ns: number[]) => ctx.db.transaction((tx) => appendEvents(tx, 'bid', id, ns.map((n) => event(id, n)), key));

/** As the database owner, triggers off: what a trail written before migration 0013 looks like, plus one broken chain. */
const asBeforeTheSeals = (broken: string) =>
  asOwnerWithoutTriggers(ctx.databaseUrl, async (tx) => {
    await tx`delete from trail_heads`;
    await tx`delete from trail_checkpoint`;
    await tx`update decision_events set payload = ${tx.json({ rating: 5 })} where stream_id = ${broken} and seq = 2`;
  });

const sealExisting = () => runScript('scripts/seal-existing.ts', [], { DATABASE_URL: ctx.databaseUrl, TRAIL_SEAL_KEY: key });

describe('sealing a trail written before the seals', () => {
  it('seals every stream whose chain holds, names the one that does not, and appends carry on', async () => {
    const [a, b, broken] = [ctx.reference(), ctx.reference(), ctx.reference()];
    await append(a, [1, 2, 3]);
    await append(b, [1, 2]);
    await append(broken, [1, 2, 3]);
    await asBeforeTheSeals(broken);

    const before = await verifyTrail(ctx.db, key);
    expect(before.broken.filter((x) => x.kind === 'stream_unsealed').map((x) => x.streamId).sort()).toEqual([a, b, broken].sort());
    expect(before.broken.map((x) => x.kind)).toContain('checkpoint_missing');

    const first = await sealExisting();
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('Adopted 2 unsealed stream(s) (5 events)');
    expect(first.stdout).toContain(`sealed   bid ${a} at event 3`);
    expect(first.stdout).toContain(`sealed   bid ${b} at event 2`);
    expect(first.stdout).toMatch(new RegExp(`broken   bid ${broken}: contents do not match the recorded hash`));

    // Everything holds but the broken stream, which is still named: its chain, and no seal.
    const after = await verifyTrail(ctx.db, key);
    expect(new Set(after.broken.map((x) => x.streamId))).toEqual(new Set([broken]));
    expect(after.broken.map((x) => x.kind).sort()).toEqual(['event_changed', 'stream_unsealed']);
    expect(after.checkpoint).toMatchObject({ streams: 2, events: 5 });

    // The service appends to an adopted stream as to any other, and its seal moves on.
    await append(a, [4]);
    expect((await verifyTrail(ctx.db, key, a)).valid).toBe(true);
    expect((await verifyTrail(ctx.db, key)).broken.every((x) => x.streamId === broken)).toBe(true);

    // Again: nothing more to adopt, the broken stream refused again.
    const again = await sealExisting();
    expect(again.stdout).toContain('Adopted 0 unsealed stream(s) (0 events)');
    expect(again.code).toBe(1);
  }, 300_000);
});
