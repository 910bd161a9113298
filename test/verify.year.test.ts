// A synthetic year, submitted to funded through the workflows' own transitions, the real scoring
// and allocation activities and the real recorder (test/helpers/synthetic-year.ts), then
// `npm run verify` as finance runs it: every score and every allocation re-derived byte for byte,
// every chain and seal holding; and a corrupted recorded fact named by its first differing field.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type Database, type Db } from '../src/db/client.js';
import { roundAllocations, scores } from '../src/db/schema.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { runScript } from './helpers/scripts.js';
import { syntheticYear } from './helpers/synthetic-year.js';

/** A thousand bids, as the brief's year; SYNTHETIC_YEAR_BIDS makes it smaller for a quick local run. */
const BIDS = Number(process.env.SYNTHETIC_YEAR_BIDS ?? 1000);

let ctx: TestContext;
let own: Database | undefined;
let db: Db;
beforeAll(async () => {
  ctx = await createTestContext({ startWorker: false });
  // A pool of its own that waits for connections on a loaded machine (the context's gives up in 2 s).
  const database = await openPostgres(ctx.databaseUrl, 4, 60);
  own = database;
  db = database.db;
});
afterAll(async () => {
  await own?.close();
  await ctx?.close();
});

const verify = (...args: string[]) => runScript('scripts/verify.ts', args, { DATABASE_URL: ctx.databaseUrl, TRAIL_SEAL_KEY: ctx.config.TRAIL_SEAL_KEY }, 600_000);

describe('a synthetic year, verified', () => {
  it(`takes ${BIDS} bids from submission to funding, and npm run verify re-derives 100% of scores and allocations`, async () => {
    const year = await syntheticYear({ db, config: ctx.config }, BIDS, 'SY');
    expect(year.funded + year.waitlisted).toBe(BIDS);
    expect(year.funded).toBeGreaterThan(0);
    expect(year.waitlisted).toBeGreaterThan(0);

    const report = await verify();
    expect(report.stdout).toContain(`Scores: ${BIDS} latest scores re-derived, ${BIDS} match, 0 do not`);
    expect(report.stdout).toContain('Allocations: 1 re-run from their recorded input, 1 match, 0 do not');
    expect(report.stdout).toMatch(new RegExp(`Trail: ${BIDS + 1} chains, \\d+ events, 0 broken; seals checked \\(checkpoint \\d+: ${BIDS + 1} streams`));
    expect(report.stdout).toContain('Verified: every score, every allocation, every chain and every seal holds.');
    expect(report.code).toBe(0);
  }, 1_800_000);

  it('names a corrupted recorded fact by its first differing field, in a score and in an allocation, and the API route agrees', async () => {
    const year = await syntheticYear({ db, config: ctx.config }, 12, 'SZ');
    const clean = await ctx.api('claire.dawson', `/rounds/${year.roundId}/allocations/1/verify`, { method: 'POST' });
    expect(clean.status).toBe(200);
    expect(await clean.json()).toMatchObject({ roundId: year.roundId, version: 1, match: true, rederivation: { match: true }, differences: [] });

    // A fact the score recorded, changed after scoring; and a benefit score in the allocation's recorded input.
    const reference = year.references[3]!;
    await ctx.db.execute(sql`update scores set facts = jsonb_set(facts, '{peopleReachedPerYear}', '999999'::jsonb) where reference = ${reference}`);
    const [input] = await ctx.db.select({ input: roundAllocations.input }).from(roundAllocations).where(and(eq(roundAllocations.roundId, year.roundId), eq(roundAllocations.version, 1)));
    const first = (input!.input as { bids: { reference: string; benefitScore: number }[] }).bids[0]!;
    await ctx.db.execute(sql`update round_allocations set input = jsonb_set(input, '{bids,0,benefitScore}', '99.99'::jsonb) where round_id = ${year.roundId} and version = 1`);

    const report = await verify();
    expect(report.code).toBe(1);
    expect(report.stdout).toContain(`MISMATCH ${reference} score1`);
    expect(report.stdout).toMatch(/rederivation: facts\.peopleReachedPerYear: recorded \d+, recomputed 999999/);
    expect(report.stdout).toContain(`MISMATCH round ${year.roundId} allocation 1`);
    expect(report.stdout).toContain(`scores: input.bids[0].benefitScore: recorded 99.99, recomputed [${first.benefitScore}]. ${first.reference} entered the allocation with a benefit score none of its recorded scores gives`);
    expect(report.stdout).toMatch(/rederivation: result\.\S+: recorded .+, recomputed .+\. Running the allocation again on the recorded input does not give the recorded result/);
    expect(report.stdout).toContain('NOT VERIFIED');

    const tampered = await ctx.api('claire.dawson', `/rounds/${year.roundId}/allocations/1/verify`, { method: 'POST' });
    const verdict = (await tampered.json()) as { match: boolean; differences: { check: string; path: string }[] };
    expect(verdict.match).toBe(false);
    expect(verdict.differences.map((d) => d.check)).toEqual(['rederivation', 'scores']);
    expect(verdict.differences[1]).toMatchObject({ path: 'input.bids[0].benefitScore', recorded: 99.99 });
    // Verifying changed nothing.
    const [after] = await ctx.db.select({ input: roundAllocations.input }).from(roundAllocations).where(eq(roundAllocations.roundId, year.roundId));
    expect((after!.input as { bids: { benefitScore: number }[] }).bids[0]!.benefitScore).toBe(99.99);
    expect((await ctx.db.select().from(scores).where(eq(scores.reference, reference))).length).toBe(1);
  }, 600_000);

  it('lets only finance and the admin verify an allocation, and names one that does not exist', async () => {
    const year = await syntheticYear({ db, config: ctx.config }, 3, 'SX');
    expect((await ctx.api('amira.hassan', `/rounds/${year.roundId}/allocations/1/verify`, { method: 'POST' })).status).toBe(403);
    const missing = await ctx.api('ian.thompson', `/rounds/${year.roundId}/allocations/7/verify`, { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain('has no allocation version 7');
    const bad = await ctx.api('ian.thompson', `/rounds/${year.roundId}/allocations/first/verify`, { method: 'POST' });
    expect(bad.status).toBe(400);
  }, 300_000);
});
