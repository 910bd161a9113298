// Funding rounds on the real server and database: the allocation within an envelope, what-if
// runs that change nothing, a withdrawal before confirmation moving the next bid up, finance's
// confirmation into commitments, and money committed counting against later rounds.
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bids, decisionEvents } from '../src/db/schema.js';
import { castVoteUpdate, openMeetingUpdate, recordAttendanceUpdate, recordDecisionUpdate } from '../src/shared.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { call } from './helpers/http.js';
import { actions, actor, costing, meetingHandle, meetingWithAgenda, QUORATE, reviewToAssembly, submit, waitForBid } from './helpers/lifecycle.js';

let ctx: TestContext;
const refs: Record<string, string> = {};
const pounds = (n: number) => n * 100;

beforeAll(async () => {
  ctx = await createTestContext({ recordAs: 'rounds' });
  refs.z = await submit(ctx, costing(80_000));
  refs.y = await submit(ctx, costing(100_000));
  refs.x = await submit(ctx, costing(150_000, 150_000));
  refs.v = await submit(ctx, costing(100_000, 100_000));
  for (const reference of Object.values(refs)) await reviewToAssembly(ctx, reference);

  const id = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-supports`;
  const agenda = await meetingWithAgenda(ctx, id);
  const m = meetingHandle(ctx, id);
  const chair = actor('sarah.collins');
  await m.executeUpdate(openMeetingUpdate, { args: [{ actor: chair }] });
  await m.executeUpdate(recordAttendanceUpdate, { args: [{ actor: chair, present: QUORATE }] });
  for (const item of agenda.items) {
    for (const member of QUORATE) await m.executeUpdate(castVoteUpdate, { args: [{ actor: actor(member), itemId: item.itemId, vote: 'support' }] });
    await m.executeUpdate(recordDecisionUpdate, { args: [{ actor: chair, itemId: item.itemId, outcome: 'supported', conditions: [], reason: 'Supported' }] });
  }
  for (const reference of Object.values(refs)) await waitForBid(ctx, reference, (b) => b.state === 'ALLOCATION', 'allocation');
}, 180_000);
afterAll(async () => ctx?.close());

const soon = (ms: number) => new Date(Date.now() + ms).toISOString();
const round = (roundId: string) => call(ctx, 'claire.dawson', 'GET', `/rounds/${roundId}`);
const trailCount = async () => (await ctx.db.select({ n: count() }).from(decisionEvents))[0]!.n;

describe('a funding round', () => {
  const main = 'r2627-main';

  // Benefit per pound of whole-life cost orders them Z (£80k), Y (£100k), V (£200k), X (£300k).
  it('ranks by benefit per pound, funds what fits, waitlists what does not, and names the cut line', async () => {
    const opened = await call(ctx, 'ian.thompson', 'POST', '/rounds', {
      roundId: main,
      title: 'Main round 2026/27',
      financialYear: '2026/27',
      envelopePence: pounds(240_000),
      opensAt: soon(-60_000),
      closesAt: soon(3_600_000),
    });
    expect(opened).toMatchObject({ status: 201, body: { roundId: main, state: 'OPEN' } });

    const run = await call(ctx, 'claire.dawson', 'POST', `/rounds/${main}/allocate`, { reason: 'Closing review' });
    expect(run.status).toBe(200);
    expect(run.body.state).toBe('PROPOSED');
    expect(run.body.proposal.places.map((p: { reference: string; outcome: string; rank: number }) => [p.reference, p.outcome, p.rank])).toEqual([
      [refs.z, 'funded', 1],
      [refs.y, 'funded', 2],
      [refs.v, 'waitlisted', 3],
      [refs.x, 'waitlisted', 4],
    ]);

    const detail = (await round(main)).body;
    const reasons = Object.fromEntries((detail.allocation.result.ranking as { reference: string; reason: string }[]).map((r) => [r.reference, r.reason]));
    expect(reasons).toEqual({
      [refs.z!]: 'Funded: ranked 1st by benefit per pound; £80,000 needed, £240,000 left',
      [refs.y!]: 'Funded: ranked 2nd by benefit per pound; £100,000 needed, £160,000 left',
      [refs.v!]: 'Waitlisted: needs £100,000; £60,000 left in the envelope',
      [refs.x!]: 'Waitlisted: needs £150,000; £60,000 left in the envelope',
    });
    expect(detail.allocation.result.cutLine).toEqual({ rank: 3, reference: refs.v, envelopeId: 'overall', leftPence: pounds(60_000) });
    expect(detail.allowedActions).toEqual(['runAllocation', 'confirmAllocation', 'overrideAllocation']);
    expect((await call(ctx, 'ian.thompson', 'GET', `/rounds/${main}`)).body.allowedActions).toEqual(['runAllocation', 'cancelRound']);

    // Each bid records its provisional place in its own time, once the round has told it.
    for (const reference of [refs.z, refs.y, refs.v, refs.x]) await waitForBid(ctx, reference!, (b) => b.allocation?.provisional?.version === 1, 'a provisional place');
    const z = await waitForBid(ctx, refs.z!, (b) => b.allocation?.provisional?.version === 1, 'a provisional place');
    expect(z.allocation).toMatchObject({ roundId: main, provisional: { outcome: 'funded', rank: 1 } });
    expect(await actions(ctx, refs.x!)).toContain('allocation.proposed');
  });

  it('answers what-if runs with another envelope or another rule set, and changes nothing', async () => {
    const before = { trail: await trailCount(), round: (await round(main)).body, bids: await ctx.db.select().from(bids) };

    const bigger = await call(ctx, 'claire.dawson', 'POST', `/rounds/${main}/what-if`, { envelopePence: pounds(500_000) });
    expect(bigger.status).toBe(200);
    expect(bigger.body.comparedWith).toBe('proposal version 1');
    expect(bigger.body.summary.newlyFunded).toEqual([refs.v, refs.x]);
    expect(bigger.body.differences.map((d: { reference: string; before: { outcome: string }; after: { outcome: string } }) => [d.reference, d.before.outcome, d.after.outcome])).toEqual(
      expect.arrayContaining([[refs.x, 'waitlisted', 'funded']]),
    );

    const draft = await call(ctx, 'claire.dawson', 'POST', `/rounds/${main}/what-if`, { ruleSet: { id: 'nw-clinical-prioritisation', version: '1.1.0' } });
    expect(draft.status).toBe(200);
    const scored = (r: { ranking: { reference: string; benefitScore: number }[] }) => Object.fromEntries(r.ranking.map((x) => [x.reference, x.benefitScore]));
    const current = scored(before.round.allocation.result);
    const underDraft = scored(draft.body.result);
    expect(Object.keys(underDraft).sort()).toEqual(Object.keys(current).sort());
    // Same facts, the draft's weights: every score moves, none by accident of missing data.
    for (const reference of Object.keys(current)) expect(underDraft[reference]).not.toBe(current[reference]);
    expect(draft.body.settings.ruleSet).toEqual({ id: 'nw-clinical-prioritisation', version: '1.1.0' });

    expect(await trailCount()).toBe(before.trail);
    expect((await round(main)).body).toEqual(before.round);
    expect(await ctx.db.select().from(bids)).toEqual(before.bids);
  });

  it('reruns when a funded bid is withdrawn before confirmation, and the next bid that fits moves up', async () => {
    const withdrawn = await call(ctx, 'amira.hassan', 'POST', `/bids/${refs.y}/withdraw`, { reason: 'Funded by NHS England instead' });
    expect(withdrawn.status).toBe(200);
    const v = await waitForBid(ctx, refs.v!, (b) => b.allocation?.provisional?.version === 2, 'the rerun');
    expect(v.allocation!.provisional).toMatchObject({ outcome: 'funded', rank: 2 });
    const rerun = (await call(ctx, 'claire.dawson', 'GET', `/rounds/${main}/trail`)).body.events.find((e: { action: string }) => e.action === 'allocation.rerun');
    expect(rerun.payload).toMatchObject({ version: 2, reason: `${refs.y} was withdrawn before confirmation`, funded: [refs.z, refs.v], waitlisted: [refs.x], movedUp: [refs.v] });
    expect((await actions(ctx, refs.v!)).filter((a) => a === 'allocation.proposed')).toHaveLength(2);
    expect(rerun.actorId).toBe('system');
  });

  it("confirms only the version finance reviewed, by finance, into commitments against the envelope", async () => {
    const stale = await call(ctx, 'claire.dawson', 'POST', `/rounds/${main}/confirm`, { version: 1 });
    expect(stale).toMatchObject({ status: 422, body: { error: { message: 'The allocation now stands at version 2, not 1: review it, then confirm that version' } } });
    const admin = await call(ctx, 'ian.thompson', 'POST', `/rounds/${main}/confirm`, { version: 2 });
    expect(admin).toMatchObject({ status: 403, body: { error: { details: { rule: 'role' } } } });

    const confirmed = await call(ctx, 'claire.dawson', 'POST', `/rounds/${main}/confirm`, { version: 2 });
    expect(confirmed).toMatchObject({ status: 200, body: { state: 'CONFIRMED', confirmed: { version: 2, by: { id: 'claire.dawson' } } } });
    await waitForBid(ctx, refs.z!, (b) => b.state === 'FUNDED', 'funded');
    await waitForBid(ctx, refs.v!, (b) => b.state === 'FUNDED', 'funded');
    const x = await waitForBid(ctx, refs.x!, (b) => b.state === 'WAITLISTED', 'waitlisted');
    expect(x.allocation!.confirmed).toMatchObject({ outcome: 'waitlisted', by: { id: 'claire.dawson' } });
    const confirmedOnTrail = (await call(ctx, 'claire.dawson', 'GET', `/bids/${refs.v}/trail`)).body.events.at(-1);
    expect(confirmedOnTrail).toMatchObject({ action: 'allocation.confirmed', actorId: 'claire.dawson', fromState: 'ALLOCATION', toState: 'FUNDED' });

    const totals = (await call(ctx, 'claire.dawson', 'GET', '/finance/totals?financialYear=2026/27')).body;
    expect(totals.years[0].committed).toMatchObject({ totalPence: pounds(180_000), bids: 2 });
    expect(totals.envelopes).toEqual([
      expect.objectContaining({ roundId: main, envelopes: [expect.objectContaining({ id: 'overall', envelopePence: pounds(240_000), committedPence: pounds(180_000), leftPence: pounds(60_000) })] }),
    ]);
  });

  it("counts money committed by earlier rounds, and recurrent costs in every year they run", async () => {
    // Same year: the £180,000 committed leaves £120,000 of a £300,000 envelope; X needs £150,000.
    await call(ctx, 'ian.thompson', 'POST', '/rounds', { roundId: 'r2627-inyear', title: 'In-year round', financialYear: '2026/27', envelopePence: pounds(300_000), opensAt: soon(-60_000), closesAt: soon(3_600_000) });
    const inYear = await call(ctx, 'claire.dawson', 'POST', '/rounds/r2627-inyear/allocate', { reason: 'In-year slippage' });
    expect(inYear.body.proposal.envelopes[0]).toMatchObject({ envelopePence: pounds(300_000), committedBeforePence: pounds(180_000) });
    expect(inYear.body.proposal.places).toEqual([expect.objectContaining({ reference: refs.x, outcome: 'waitlisted', reason: 'Waitlisted: needs £150,000; £120,000 left in the envelope' })]);

    // Next year: V's recurrent £100,000 runs on into 2027/28 and is committed there already.
    await call(ctx, 'ian.thompson', 'POST', '/rounds', { roundId: 'r2728-main', title: 'Main round 2027/28', financialYear: '2027/28', envelopePence: pounds(1_000_000), opensAt: soon(-60_000), closesAt: soon(3_600_000) });
    const nextYear = await call(ctx, 'claire.dawson', 'GET', '/rounds/r2728-main');
    expect(nextYear.body.round.state).toBe('OPEN');
    const whatIf = await call(ctx, 'claire.dawson', 'POST', '/rounds/r2728-main/what-if', {});
    expect(whatIf.body.result.envelopes[0]).toMatchObject({ committedBeforePence: pounds(100_000), leftPence: pounds(900_000) });
    await call(ctx, 'ian.thompson', 'POST', '/rounds/r2728-main/cancel', { reason: 'Planning only' });
  });

  it('runs by itself when it closes, if nobody ran it', async () => {
    const id = 'r2627-closing';
    await call(ctx, 'ian.thompson', 'POST', '/rounds/r2627-inyear/cancel', { reason: 'Superseded' });
    await call(ctx, 'ian.thompson', 'POST', '/rounds', { roundId: id, title: 'Closing soon', financialYear: '2026/27', envelopePence: pounds(500_000), opensAt: soon(-60_000), closesAt: soon(2_000) });
    for (let i = 0; i < 100 && (await round(id)).body.round.state !== 'PROPOSED'; i += 1) await new Promise((r) => setTimeout(r, 200));
    const closed = (await round(id)).body;
    expect(closed.round).toMatchObject({ state: 'PROPOSED', proposal: { version: 1, reason: 'the round closed', runBy: { id: 'system' } } });
    expect(closed.allocation.result.funded).toEqual([refs.x]);
    const x = await waitForBid(ctx, refs.x!, (b) => b.allocation?.roundId === id, 'held by the closing round');
    expect(x.allocation!.provisional).toMatchObject({ outcome: 'funded', rank: 1, version: 1 });
  });
});
