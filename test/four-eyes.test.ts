// Four eyes: a hub lead who rated a bid may not moderate its divergent ratings; another hub
// lead does. On the pure model (the action table) and through the API on the real worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { lifecyclePolicy } from '../src/config/policy.js';
import { users } from '../src/db/schema.js';
import { bidSubmissionSchema } from '../src/domain/bid.js';
import { check } from '../src/model/actions.js';
import * as bid from '../src/model/bid.js';
import type { BidModel } from '../src/model/bid.js';
import { issueToken } from '../src/services/auth.js';
import type { Actor, Rating, RatingCriterion } from '../src/shared.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { validBid } from './helpers/fixtures.js';
import { call } from './helpers/http.js';
import { actor, largeBid, review, submit, trail, waitForBid } from './helpers/lifecycle.js';

const AT = '2026-12-02T10:00:00.000Z';
const policy = lifecyclePolicy(loadConfig({}));
const SECOND_LEAD: Actor = { id: 'sam.hughes', name: 'Sam Hughes', organisation: 'NWICB', roles: ['hub_lead'], profession: null };
const MODERATION = { ratings: { evidence_quality: 3, deliverability: 4, quality_and_safety: 4 }, decision: 'ready' as const, comments: 'Evidence sits between the two views' };

/** Two evaluators, `a` rating 5 and `b` rating 1 on evidence quality: moderation needed. */
function diverged(a: Actor, b: Actor): BidModel {
  const parsed = bidSubmissionSchema.parse(validBid());
  let m = bid.newBid({ bid: { ...parsed, reference: 'NW-2026-0001' }, contentHash: 'h1', submittedBy: actor('amira.hassan'), policy }, AT);
  m = bid.intakeChecked(m, [], null, AT).model;
  m = bid.reviewStarted(m, [a, b].map((x) => ({ id: x.id, name: x.name, organisation: x.organisation })), false, { startedAt: AT, remindAt: AT, dueAt: AT, spec: '10wd' }, AT).model;
  for (const [who, evidence] of [[a, 5], [b, 1]] as const) {
    for (const step of ['evaluation_design', 'outcome_measures', 'data_availability'] as const) m = bid.reviewStepRecorded(m, who, { step, assessment: 'adequate', comments: 'ok' }, AT).model;
    for (const criterion of ['evidence_quality', 'deliverability', 'quality_and_safety'] as const) {
      m = bid.ratingRecorded(m, who, { criterion, rating: criterion === 'evidence_quality' ? evidence : 4, rationale: 'r' }, AT).model;
    }
    m = bid.reviewCompleted(m, who, { recommendation: 'ready', comments: '' }, AT).model;
  }
  expect(m.review?.phase).toBe('moderation');
  return m;
}

describe('four eyes in the action table', () => {
  it('refuses a hub lead who rated the bid, naming the rule, and leaves moderate out of what she may do', () => {
    const m = diverged(actor('rachel.green'), actor('priya.shah'));
    expect(check(bid.bidActions, 'moderate', m, { kind: 'person', actor: actor('rachel.green') }, MODERATION)).toEqual({
      type: 'Forbidden',
      rule: 'four_eyes',
      message: 'Rachel Green rated this bid (evidence_quality, deliverability, quality_and_safety), so may not moderate its ratings: another hub lead moderates (four eyes)',
    });
    expect(bid.bidActionsFor(m, actor('rachel.green'))).not.toContain('moderate');
    // Another hub lead may; so may Rachel on a bid she did not rate.
    expect(check(bid.bidActions, 'moderate', m, { kind: 'person', actor: SECOND_LEAD }, MODERATION)).toBeNull();
    expect(bid.bidActionsFor(m, SECOND_LEAD)).toContain('moderate');
    const others = diverged(actor('daniel.price'), actor('priya.shah'));
    expect(check(bid.bidActions, 'moderate', others, { kind: 'person', actor: actor('rachel.green') }, MODERATION)).toBeNull();
  });

  it('still puts role, conflict of interest and phase first', () => {
    const m = diverged(actor('rachel.green'), actor('priya.shah'));
    expect(check(bid.bidActions, 'moderate', m, { kind: 'person', actor: actor('priya.shah') }, MODERATION)?.rule).toBe('role');
    const declared = { ...m, interests: [{ person: { id: 'rachel.green', name: 'Rachel Green', organisation: 'NWICB' }, nature: 'Her sister runs the unit', at: AT, where: 'bid' }] } as BidModel;
    expect(check(bid.bidActions, 'moderate', declared, { kind: 'person', actor: actor('rachel.green') }, MODERATION)?.rule).toBe('conflict_of_interest');
  });
});

describe('four eyes through the API', () => {
  let ctx: TestContext;
  let secondLeadToken: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    await ctx.db.insert(users).values({ ...SECOND_LEAD, email: 'sam.hughes@nw-icb.example' }).onConflictDoNothing();
    secondLeadToken = (await issueToken(ctx.db, { userId: SECOND_LEAD.id, label: 'test', createdBy: 'test' })).token;
  }, 60_000);

  afterAll(async () => {
    await ctx?.close();
  });

  it('refuses the hub lead moderating a bid she rated (403 four_eyes), and takes another hub lead’s moderation', async () => {
    const reference = await submit(ctx, largeBid());
    const started = await waitForBid(ctx, reference, (b) => b.state === 'HUB_REVIEW' && b.review?.reviews.length === 2, 'two evaluators');
    const [first, second] = started.review!.reviews.map((r) => r.evaluator.id) as [string, string];
    expect([first, second]).not.toContain('rachel.green'); // hub leads are assigned last
    // The hub lead takes the second place herself, and rates.
    const assigned = await call(ctx, 'rachel.green', 'POST', `/bids/${reference}/review/assign`, { evaluatorId: 'rachel.green', replaces: second });
    expect(assigned.status).toBe(200);
    const ratings = (evidence: Rating): Record<RatingCriterion, Rating> => ({ evidence_quality: evidence, deliverability: 4, quality_and_safety: 4 });
    await review(ctx, reference, first, ratings(5));
    await review(ctx, reference, 'rachel.green', ratings(1));
    const moderating = await waitForBid(ctx, reference, (b) => b.review?.phase === 'moderation', 'moderation');
    expect(moderating.state).toBe('HUB_REVIEW');

    const refused = await call(ctx, 'rachel.green', 'POST', `/bids/${reference}/review/moderation`, MODERATION);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'forbidden', details: { rule: 'four_eyes' }, message: expect.stringContaining('may not moderate its ratings') });
    expect((await call(ctx, 'rachel.green', 'GET', `/bids/${reference}`)).body.allowedActions).not.toContain('moderate');
    expect((await trail(ctx, reference)).map((e) => e.action)).not.toContain('review.moderated');

    const res = await ctx.app.request(`/bids/${reference}/review/moderation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secondLeadToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(MODERATION),
    });
    expect(res.status).toBe(200);
    await waitForBid(ctx, reference, (b) => b.state === 'AWAITING_ASSEMBLY', 'scored after moderation');
    const moderated = (await trail(ctx, reference)).find((e) => e.action === 'review.moderated')!;
    expect(moderated).toMatchObject({ actorId: 'sam.hughes', payload: { moderated: MODERATION.ratings } });
  }, 90_000);
});
