// A stored score is reproducible: the same rule set version on the stored facts gives the same
// result, byte for byte; and a bid found by its search attributes in Temporal's visibility.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scores } from '../src/db/schema.js';
import { canonicalScore, loadRuleSet, scoreFacts, type ScoringFacts } from '../src/rules/engine.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { reviewToAssembly, smallBid, submit } from './helpers/lifecycle.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx?.close());

describe('a stored score', () => {
  it('records the facts, each criterion, the rules that fired and the rule set, and re-runs to the same bytes', async () => {
    const reference = await submit(ctx, smallBid());
    const scored = await reviewToAssembly(ctx, reference);
    const [stored] = await ctx.db.select().from(scores).where(eq(scores.reference, reference));
    expect(stored).toBeDefined();
    expect(stored!.eventId).toBe(scored.score!.eventId);
    // With no rule set activated, the newest released one scores: 1.2.0, for 2026/27.
    expect(stored!.ruleSetVersion).toBe('1.2.0');
    const result = stored!.result as { criteria: unknown[]; firedRules: string[]; benefitScore: number };
    expect(result.criteria).toHaveLength(8);
    expect(result.firedRules.length).toBeGreaterThan(10);
    expect(result.benefitScore).toBe(scored.score!.benefitScore);

    // Years later: load that exact rule set version, run it on the facts as stored.
    const ruleSet = loadRuleSet(stored!.ruleSetId, stored!.ruleSetVersion);
    expect(ruleSet.identity.hash).toBe(stored!.ruleSetHash);
    const again = await scoreFacts(ruleSet, stored!.facts as ScoringFacts);
    expect(canonicalScore(again)).toBe(stored!.canonical);
  });
});

describe('search attributes', () => {
  it('find bids by state, ambition, band and lead organisation in Temporal visibility', async () => {
    const reference = await submit(ctx, smallBid({ primaryAmbition: 'mental_health', leadOrganisation: 'NSFT', secondaryAmbitions: [], partnerOrganisations: [] }));
    const scored = await reviewToAssembly(ctx, reference);
    const query = `BidState = 'AWAITING_ASSEMBLY' AND BidPrimaryAmbition = 'mental_health' AND BidLeadOrganisation = 'NSFT' AND BidBand = '${scored.score!.band}' AND TaskQueue = '${ctx.taskQueue}'`;
    let found: string[] = [];
    // Visibility is eventually consistent: poll until the last upsert shows.
    for (let i = 0; i < 50 && !found.includes(`bid-${reference}`); i += 1) {
      found = [];
      for await (const w of ctx.client.workflow.list({ query })) found.push(w.workflowId);
      if (!found.includes(`bid-${reference}`)) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toEqual([`bid-${reference}`]);
  });
});
