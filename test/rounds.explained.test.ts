// A funding round that explains itself, on the real server, database and workflows, and in a real
// browser: what it would take to fund each waitlisted bid (and that the change, and no less, does
// fund it), the optimum beside the greedy rule, a reproducible sensitivity, all changing nothing;
// the round page's explanation and sensitivity picture, accessible; overrides with a recorded
// reason by a configured role, refused when they would break the envelope, carried into confirmation.
import { parse } from 'csv-parse/sync';
import { count } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionEvents, roundAllocations } from '../src/db/schema.js';
import { seedFor } from '../src/services/round-analysis.js';
import { castVoteUpdate, openMeetingUpdate, recordAttendanceUpdate, recordDecisionUpdate } from '../src/shared.js';
import { expectAccessible, screenshot, signedInPage, startWeb, type Web } from './e2e/harness.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { call } from './helpers/http.js';
import { actor, costing, meetingHandle, meetingWithAgenda, QUORATE, reviewToAssembly, submit, waitForBid } from './helpers/lifecycle.js';

let ctx: TestContext;
let web: Web;
const refs: Record<'z' | 'y' | 'v' | 'x', string> = { z: '', y: '', v: '', x: '' };
const pounds = (n: number) => n * 100;
const ROUND = 'r2627-explained';

beforeAll(async () => {
  // Overrides by finance or the Assembly chair here; finance alone by default.
  ctx = await createTestContext({ env: { OVERRIDE_ROLES: 'finance,assembly_chair' } });
  // Benefit per pound of whole-life cost orders them Z (£80k), Y (£100k), V (£200k), X (£300k).
  refs.z = await submit(ctx, costing(80_000));
  refs.y = await submit(ctx, costing(100_000));
  refs.x = await submit(ctx, costing(150_000, 150_000));
  refs.v = await submit(ctx, costing(100_000, 100_000));
  await Promise.all(Object.values(refs).map((reference) => reviewToAssembly(ctx, reference)));

  const id = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-explained`;
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
  expect((await call(ctx, 'priya.shah', 'POST', `/bids/${refs.x}/interests`, { nature: 'My partner works on the service' })).status).toBe(200);

  const opened = await call(ctx, 'ian.thompson', 'POST', '/rounds', {
    roundId: ROUND,
    title: 'Explained round 2026/27',
    financialYear: '2026/27',
    envelopePence: pounds(240_000),
    opensAt: new Date(Date.now() - 60_000).toISOString(),
    closesAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  expect(opened.status).toBe(201);
  const run = await call(ctx, 'claire.dawson', 'POST', `/rounds/${ROUND}/allocate`, { reason: 'Closing review' });
  expect(run.body.proposal.places.map((p: { reference: string; outcome: string }) => [p.reference, p.outcome])).toEqual([
    [refs.z, 'funded'],
    [refs.y, 'funded'],
    [refs.v, 'waitlisted'],
    [refs.x, 'waitlisted'],
  ]);
  web = await startWeb(ctx);
}, 240_000);
afterAll(async () => {
  await web?.close();
  await ctx?.close();
});

const trailCount = async () => (await ctx.db.select({ n: count() }).from(decisionEvents))[0]!.n;
const allocationRuns = async () => (await ctx.db.select({ n: count() }).from(roundAllocations))[0]!.n;

describe('a round that explains itself', () => {
  it("says what it would take to fund each waitlisted bid, exactly: the change funds it, a penny less does not, and nothing changes", async () => {
    const before = { trail: await trailCount(), runs: await allocationRuns() };
    const reply = await call(ctx, 'claire.dawson', 'GET', `/rounds/${ROUND}/what-it-would-take`);
    expect(reply.status).toBe(200);
    expect(reply.body.basis).toMatchObject({ roundId: ROUND, version: 1 });
    expect(reply.body.bids.map((b: { reference: string }) => b.reference)).toEqual([refs.v, refs.x]);
    const v = reply.body.bids[0];
    // V needs £100,000 with £60,000 left: £40,000 less, or an envelope £40,000 larger.
    expect(v.cost).toMatchObject({ kind: 'change', reductionPence: pounds(40_000) });
    expect(v.envelope.overall).toMatchObject({ kind: 'change', increasePence: pounds(40_000) });
    expect(v.sentence).toContain('£40,000 less');

    // X's envelope increase, checked by the round's own what-if: with it X is funded, with 1p less it is not.
    const x = reply.body.bids[1];
    expect(x.envelope.overall.kind).toBe('change');
    const outcomeOfX = async (envelopePence: number) =>
      (await call(ctx, 'claire.dawson', 'POST', `/rounds/${ROUND}/what-if`, { envelopePence })).body.result.ranking.find((r: { reference: string }) => r.reference === refs.x).outcome;
    expect(await outcomeOfX(pounds(240_000) + x.envelope.overall.increasePence)).toBe('funded');
    expect(await outcomeOfX(pounds(240_000) + x.envelope.overall.increasePence - 1)).toBe('waitlisted');

    expect(await trailCount()).toBe(before.trail);
    expect(await allocationRuns()).toBe(before.runs);
  });

  it('puts the optimum beside the greedy rule, with the benefit the rule gives up, and changes nothing', async () => {
    const before = await trailCount();
    const reply = await call(ctx, 'claire.dawson', 'GET', `/rounds/${ROUND}/optimum`);
    expect(reply.status).toBe(200);
    // The same score for all four: no three fit in £240,000, so two bids are the most, and the rule gives up nothing.
    expect(reply.body).toMatchObject({ basis: { version: 1 }, givenUpHundredths: 0, onlyInOptimum: [], onlyInGreedy: [], solver: { name: 'HiGHS' } });
    expect(reply.body.optimum.funded).toEqual([refs.z, refs.y]);
    expect(reply.body.greedy.benefitHundredths).toBe(reply.body.optimum.benefitHundredths);
    for (const e of reply.body.envelopes) expect(e.optimumPence).toBeLessThanOrEqual(e.moneyPence);
    expect(await trailCount()).toBe(before);
  });

  it('varies the weights with a recorded seed: the same query gives the same answer, and the default seed is the round’s own', async () => {
    const before = await trailCount();
    const path = `/rounds/${ROUND}/sensitivity?spreadPercent=20&samples=300&seed=12345`;
    const first = await call(ctx, 'claire.dawson', 'GET', path);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ seed: 12345, samples: 300, spreadPercent: 20, prng: 'mulberry32' });
    expect(first.body.bids.map((b: { reference: string; nominalOutcome: string }) => [b.reference, b.nominalOutcome])).toEqual([
      [refs.z, 'funded'],
      [refs.y, 'funded'],
      [refs.v, 'waitlisted'],
      [refs.x, 'waitlisted'],
    ]);
    expect(first.body.criteria.length).toBeGreaterThan(1);
    expect((await call(ctx, 'claire.dawson', 'GET', path)).body).toEqual(first.body);

    const byDefault = await call(ctx, 'ian.thompson', 'GET', `/rounds/${ROUND}/sensitivity`);
    expect(byDefault.body).toMatchObject({ seed: seedFor({ roundId: ROUND, version: 1, runAt: null }), samples: 1000, spreadPercent: 10 });
    expect(await trailCount()).toBe(before);
  });

  it('refuses a spread out of range naming the field, and people who are not finance or admin', async () => {
    const bad = await call(ctx, 'claire.dawson', 'GET', `/rounds/${ROUND}/sensitivity?spreadPercent=100`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', details: [expect.objectContaining({ field: 'query.spreadPercent' })] });
    for (const path of ['what-it-would-take', 'optimum', 'sensitivity']) {
      const refused = await call(ctx, 'sarah.collins', 'GET', `/rounds/${ROUND}/${path}`);
      expect(refused.status).toBe(403);
      expect(refused.body.error.details).toEqual({ rule: 'role' });
    }
    expect((await call(ctx, 'claire.dawson', 'GET', '/rounds/no-such-round/optimum')).status).toBe(404);
  });
});

describe("the round page's explanation, in a browser", () => {
  let page: Page;
  beforeAll(async () => {
    page = await signedInPage(web, ctx, 'claire.dawson');
  });

  it('tables what it would take and the optimum, and draws the sensitivity with a text alternative and the same figures as a table', async () => {
    await page.goto(`${web.url}/app/rounds/${ROUND}`);
    const explanation = page.locator('section#explanation');
    await explanation.getByRole('heading', { name: 'Why bids fell below the line' }).waitFor();
    const wouldTake = explanation.locator('table', { has: page.locator('caption', { hasText: 'What it would take' }) });
    const rows = await wouldTake.locator('tbody tr').allInnerTexts();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(refs.v);
    expect(rows[0]).toContain('Would be funded if its 2026/27 cost were £40,000 less (£60,000 instead of £100,000');
    expect(rows[0]).toContain('Would be funded if the envelope were £40,000 larger');
    expect(await page.locator('#optimum-sentence').innerText()).toContain('The greedy rule already buys the most benefit the money could');

    const picture = page.getByRole('img', { name: /Sensitivity chart/ });
    await picture.waitFor();
    const description = await page.locator('#sensitivity-chart-desc').textContent();
    expect(description).toContain('How often each of 4 bids is funded when the weights vary within ±10%, over 500 samples.');
    const sensitivityRows = await explanation.locator('table', { has: page.locator('caption', { hasText: 'Sensitivity' }) }).locator('tbody tr').allInnerTexts();
    expect(sensitivityRows.map((r) => r.split('\t')[0]?.trim())).toEqual([refs.z, refs.y, refs.v, refs.x]);

    await expectAccessible(page, 'the round page with its explanation');
    await screenshot(page, 'round-explained');
  });
});

describe('overrides with a recorded reason', () => {
  const override = (userId: string, body: Record<string, unknown>) => call(ctx, userId, 'POST', `/rounds/${ROUND}/override`, { version: 1, ...body });
  const roundTrail = async () => (await call(ctx, 'claire.dawson', 'GET', `/rounds/${ROUND}/trail`)).body.events as { action: string; actorId: string; actorRole: string; payload: Record<string, unknown> }[];

  it('refuses an override that would exceed the envelope, naming the rule, and records nothing', async () => {
    const before = (await roundTrail()).length;
    // X needs £150,000 with £60,000 left.
    const refused = await override('claire.dawson', { reference: refs.x, direction: 'fund', reason: 'Clinically urgent' });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'refused', details: { rule: 'envelope' } });
    expect(refused.body.error.message).toBe(`Refused: funding ${refs.x} would exceed the envelope by £90,000`);
    expect((await roundTrail()).length).toBe(before);
  });

  it('refuses people outside the configured roles, an override without a reason, and one that changes nothing', async () => {
    const admin = await override('ian.thompson', { reference: refs.v, direction: 'fund', reason: 'Because' });
    expect(admin.status).toBe(403);
    expect(admin.body.error.details).toEqual({ rule: 'role' });
    const noReason = await override('claire.dawson', { reference: refs.v, direction: 'fund', reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0].field).toBe('reason');
    const already = await override('claire.dawson', { reference: refs.z, direction: 'fund', reason: 'Keep it' });
    expect(already.status).toBe(422);
    expect(already.body.error.details).toEqual({ rule: 'changes_nothing' });
  });

  it('moves bids across the line as their own trail events with reason and who, the envelope held, and confirmation carries them', async () => {
    // Waitlisting Y (£100,000) leaves room for V (£100,000): taken together they fit.
    const out = await override('sarah.collins', { reference: refs.y, direction: 'waitlist', reason: 'The Assembly asked for the service to be recommissioned first' });
    expect(out.status).toBe(200);
    const into = await override('claire.dawson', { reference: refs.v, direction: 'fund', reason: 'The only bid for the crisis pathway' });
    expect(into.status).toBe(200);
    expect(into.body.overrides.map((o: { reference: string; direction: string; by: { id: string }; role: string }) => [o.reference, o.direction, o.by.id, o.role])).toEqual([
      [refs.y, 'waitlist', 'sarah.collins', 'assembly_chair'],
      [refs.v, 'fund', 'claire.dawson', 'finance'],
    ]);
    const places = Object.fromEntries(into.body.proposal.places.map((p: { reference: string; outcome: string }) => [p.reference, p.outcome]));
    expect(places).toEqual({ [refs.z]: 'funded', [refs.y]: 'waitlisted', [refs.v]: 'funded', [refs.x]: 'waitlisted' });
    const overall = into.body.proposal.envelopes.find((e: { id: string }) => e.id === 'overall');
    expect(overall).toMatchObject({ allocatedPence: pounds(180_000), leftPence: pounds(60_000) });

    const events = (await roundTrail()).filter((e) => e.action === 'allocation.overridden');
    expect(events.map((e) => [e.actorId, e.actorRole, e.payload.reference, e.payload.allocated, e.payload.outcome, e.payload.reason])).toEqual([
      ['sarah.collins', 'assembly_chair', refs.y, 'funded', 'waitlisted', 'The Assembly asked for the service to be recommissioned first'],
      ['claire.dawson', 'finance', refs.v, 'waitlisted', 'funded', 'The only bid for the crisis pathway'],
    ]);
    const v = await waitForBid(ctx, refs.v, (b) => b.allocation?.provisional?.outcome === 'funded', 'its overridden place');
    expect(v.allocation?.provisional?.reason).toContain('Funded by override (Claire Dawson: The only bid for the crisis pathway)');

    // Funding X as well would now need £150,000 with £60,000 left: still refused.
    expect((await override('claire.dawson', { reference: refs.x, direction: 'fund', reason: 'Also urgent' })).body.error.details).toEqual({ rule: 'envelope' });

    const confirmed = await call(ctx, 'claire.dawson', 'POST', `/rounds/${ROUND}/confirm`, { version: 1 });
    expect(confirmed.status).toBe(200);
    await waitForBid(ctx, refs.v, (b) => b.state === 'FUNDED', 'funded by the confirmed override');
    await waitForBid(ctx, refs.y, (b) => b.state === 'WAITLISTED', 'waitlisted by the confirmed override');
    const confirmation = (await roundTrail()).find((e) => e.action === 'allocation.confirmed');
    expect(confirmation?.payload.funded).toEqual([refs.z, refs.v]);
    expect((confirmation?.payload.overrides as { reference: string }[]).map((o) => o.reference)).toEqual([refs.y, refs.v]);
  });
});

describe('publication packs', () => {
  it("publish the round's decisions with reasons, overrides, money committed and interests declared, without applicants' staff", async () => {
    const pack = await call(ctx, 'claire.dawson', 'GET', `/rounds/${ROUND}/publication`);
    expect(pack.status).toBe(200);
    expect(pack.body).toMatchObject({ version: 1, confirmed: { version: 1, by: 'Claire Dawson' }, moneyCommittedPence: pounds(180_000) });
    const byReference = Object.fromEntries(pack.body.decisions.map((d: { reference: string }) => [d.reference, d]));
    expect(byReference[refs.v]).toMatchObject({ outcome: 'funded', override: { direction: 'fund', reason: 'The only bid for the crisis pathway', by: 'Claire Dawson', role: 'finance' } });
    expect(byReference[refs.x].interests).toEqual([{ name: 'Priya Shah', organisation: 'NWICB', nature: 'My partner works on the service', declared: 'on the bid' }]);

    const csv = await call(ctx, 'claire.dawson', 'GET', `/rounds/${ROUND}/publication.csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = parse<Record<string, string>>(csv.body as string, { columns: true });
    expect(rows.map((r) => [r.reference, r.outcome])).toEqual([
      [refs.z, 'funded'],
      [refs.y, 'waitlisted'],
      [refs.v, 'funded'],
      [refs.x, 'waitlisted'],
    ]);
    expect(rows.find((r) => r.reference === refs.x)?.interests_declared).toContain('Priya Shah (NWICB), on the bid: My partner works on the service');
    // The programme team who submitted the bids appear nowhere.
    expect(csv.body).not.toMatch(/Amira Hassan|amira\.hassan/);
    expect(JSON.stringify(pack.body)).not.toMatch(/Amira Hassan|amira\.hassan/);
  });

  it("publish a meeting's decisions with reasons, votes, quorum and interests per item, as CSV and an accessible page", async () => {
    const meetingId = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-explained`;
    const pack = await call(ctx, 'claire.dawson', 'GET', `/meetings/${meetingId}/publication`);
    expect(pack.status).toBe(200);
    expect(pack.body.items).toHaveLength(4);
    for (const item of pack.body.items) expect(item).toMatchObject({ outcome: 'supported', reason: 'Supported', quorate: true, votes: { support: QUORATE.length } });
    expect(pack.body.present).toHaveLength(QUORATE.length);
    const rows = parse<Record<string, string>>((await call(ctx, 'claire.dawson', 'GET', `/meetings/${meetingId}/publication.csv`)).body as string, { columns: true });
    expect(rows.map((r) => r.reference).sort()).toEqual(Object.values(refs).sort());
    // Priya Shah declared her interest after the meeting: the round's pack has it, the meeting's minutes cannot.
    expect(rows.find((r) => r.reference === refs.x)?.interests_declared).toBe('');

    const page = await signedInPage(web, ctx, 'claire.dawson');
    await page.goto(`${web.url}/app/meetings/${meetingId}/publication`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.locator('table tbody tr').count()).toBe(4);
    await expectAccessible(page, "a meeting's publication pack");
    await page.goto(`${web.url}/app/rounds/${ROUND}/publication`);
    await page.getByText('Decisions with their reasons').waitFor();
    await expectAccessible(page, "a round's publication pack");
    await screenshot(page, 'round-publication');
  });

  it('are for the people whose work it is', async () => {
    expect((await call(ctx, 'amira.hassan', 'GET', `/rounds/${ROUND}/publication`)).status).toBe(403);
    expect((await call(ctx, 'amira.hassan', 'GET', `/meetings/${ctx.config.REFERENCE_PREFIX.toLowerCase()}-explained/publication`)).status).toBe(403);
  });
});
