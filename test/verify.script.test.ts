// `npm run verify`: every scored bid's latest score re-derived and every chain verified, as the
// script runs it against a database of its own; a tampered score fails it, named.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scores } from '../src/db/schema.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { reviewToAssembly, smallBid, submit } from './helpers/lifecycle.js';
import { runScript } from './helpers/scripts.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
}, 60_000);

afterAll(async () => {
  await ctx?.close();
});

async function scoredBid(): Promise<string> {
  const reference = await submit(ctx, smallBid());
  await reviewToAssembly(ctx, reference);
  return reference;
}

const storedRow = async (reference: string) => {
  const [row] = await ctx.db.select().from(scores).where(eq(scores.reference, reference));
  return row!;
};

describe('npm run verify', () => {
  const verify = (...args: string[]) => runScript('scripts/verify.ts', args, { DATABASE_URL: ctx.databaseUrl, TRAIL_SEAL_KEY: ctx.config.TRAIL_SEAL_KEY }, 60_000);

  it('re-derives every latest score and verifies every chain; a tampered score fails it, named with its first differing field', async () => {
    const a = await scoredBid();
    const b = await scoredBid();
    const clean = await verify();
    expect(clean.stdout).toContain('2 latest scores re-derived, 2 match, 0 do not');
    expect(clean.stdout).toContain('0 broken; seals checked');
    expect(clean.code).toBe(0);

    const row = await storedRow(b);
    await ctx.db.execute(sql`update scores set facts = jsonb_set(facts, '{peopleReachedPerYear}', '999999'::jsonb) where event_id = ${row.eventId}`);
    const tampered = await verify();
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain('2 latest scores re-derived, 1 match, 1 do not');
    expect(tampered.stdout).toContain(`MISMATCH ${b} score1`);
    expect(tampered.stdout).toMatch(/rederivation: facts\.peopleReachedPerYear: recorded \d+, recomputed 999999/);
    expect(tampered.stdout).not.toContain(`MISMATCH ${a}`);
    expect(tampered.stdout).toContain('NOT VERIFIED');

    const json = JSON.parse((await verify('--json', '--financial-year', '2026/27')).stdout);
    expect(json).toMatchObject({ financialYear: '2026/27', ok: false, scores: { verified: 2, mismatched: 1 } });
    expect((await verify('--financial-year', '2031/32')).stdout).toContain('0 latest scores re-derived');
  }, 180_000);
});
