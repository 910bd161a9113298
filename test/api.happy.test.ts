// A happy path for every route of the API, each called by the person whose job it is; the last
// test checks that every route in the OpenAPI document was answered with success here.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './helpers/context.js';
import { mailpitEnv } from './helpers/mailpit.js';
import { call as rawCall, until, type Reply } from './helpers/http.js';
import { largeBid, QUORATE, smallBid } from './helpers/lifecycle.js';

let ctx: TestContext;
let documented: { method: string; template: string; pattern: RegExp }[] = [];
const succeeded = new Set<string>();

beforeAll(async () => {
  // With the test setup's Mailpit as the e-mail transport, so decisions make their letters.
  ctx = await createTestContext({ env: mailpitEnv() });
  const doc = (await rawCall(ctx, null, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  documented = Object.entries(doc.paths).flatMap(([template, operations]) =>
    Object.keys(operations).map((method) => ({
      method: method.toUpperCase(),
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`),
    })),
  );
});
afterAll(async () => ctx?.close());

/** Calls the API and notes which documented route answered with success. */
async function call(userId: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
  const reply = await rawCall(ctx, userId, method, path, body, headers);
  if (reply.status < 300) {
    const bare = path.split('?')[0]!;
    const route = documented.find((r) => r.method === method && r.pattern.test(bare));
    if (route) succeeded.add(`${route.method} ${route.template}`);
  }
  return reply;
}

async function ok(userId: string, method: string, path: string, body?: unknown): Promise<Reply['body']> {
  const reply = await call(userId, method, path, body);
  if (reply.status >= 300) throw new Error(`${method} ${path} as ${userId}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

const submitAs = async (userId: string, bid: object) => (await ok(userId, 'POST', '/bids', { ...bid, reference: ctx.reference() })).reference as string;
const waitFor = (reference: string, ready: (b: Reply['body']) => boolean, what: string) => until(ctx, 'ian.thompson', `/bids/${reference}`, ready, what);

async function reviewOverHttp(reference: string, evaluator: string, ratings: [number | null, number | null, number | null] = [4, 4, 4]) {
  for (const step of ['evaluation_design', 'outcome_measures', 'data_availability']) {
    await ok(evaluator, 'POST', `/bids/${reference}/review/steps`, { step, assessment: 'adequate', comments: 'Clear' });
  }
  const criteria = ['evidence_quality', 'deliverability', 'quality_and_safety'];
  for (const [i, criterion] of criteria.entries()) {
    await ok(evaluator, 'POST', `/bids/${reference}/review/ratings`, { criterion, rating: ratings[i], rationale: 'Evidence in the bid' });
  }
  await ok(evaluator, 'POST', `/bids/${reference}/review/complete`, { recommendation: 'ready', comments: '' });
}

const evaluatorsOf = (b: Reply['body']) => (b.status.review?.reviews ?? []).map((r: { evaluator: { id: string } }) => r.evaluator.id) as string[];

describe('public routes', () => {
  it('answers health, the OpenAPI document and the documentation page', async () => {
    expect((await call(null, 'GET', '/health')).body).toMatchObject({ ok: true });
    expect((await call(null, 'GET', '/health/live')).status).toBe(200);
    expect((await call(null, 'GET', '/health/ready')).status).toBe(200);
    const metrics = await call(null, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(String(metrics.body)).toContain('http_request_duration_seconds');
    const doc = (await call(null, 'GET', '/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const page = await call(null, 'GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.body).toContain('/docs/swagger-ui-bundle.js');
    const script = await ctx.app.request('/docs/swagger-ui-bundle.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
  });
});

describe('people and reference data', () => {
  it('tells you who you are and lists the organisations', async () => {
    expect(await ok('priya.shah', 'GET', '/me')).toMatchObject({ id: 'priya.shah', roles: ['evaluator'], organisation: 'NWICB' });
    const orgs = await ok('amira.hassan', 'GET', '/organisations');
    expect(orgs.items.map((o: { code: string }) => o.code)).toEqual(expect.arrayContaining(['NNUH', 'QEH', 'NWICB']));
  });

  it('lets the admin add a user, change them, and issue and revoke their token', async () => {
    const created = await ok('ian.thompson', 'POST', '/admin/users', {
      id: 'noor.ali',
      name: 'Noor Ali',
      email: 'noor.ali@nw-icb.example',
      organisation: 'JPUH',
      roles: ['assembly_member'],
      profession: 'pharmacy',
    });
    expect(created).toMatchObject({ id: 'noor.ali', active: true, roles: ['assembly_member'] });
    expect((await ok('ian.thompson', 'GET', '/admin/users')).items.map((u: { id: string }) => u.id)).toContain('noor.ali');
    expect(await ok('ian.thompson', 'PATCH', '/admin/users/noor.ali', { roles: ['assembly_member', 'evaluator'] })).toMatchObject({ roles: ['assembly_member', 'evaluator'] });

    const issued = await call('ian.thompson', 'POST', '/admin/users/noor.ali/tokens', { label: 'laptop' });
    expect(issued.status).toBe(201);
    expect(issued.body.token).toMatch(/^cp_[a-z0-9]{10}_/);
    const me = await ctx.app.request('/me', { headers: { authorization: `Bearer ${issued.body.token}` } });
    expect(me.status).toBe(200);
    const tokens = await ok('ian.thompson', 'GET', '/admin/users/noor.ali/tokens');
    expect(tokens.items).toEqual([expect.objectContaining({ id: issued.body.id, label: 'laptop', revokedAt: null })]);
    expect(JSON.stringify(tokens)).not.toContain(issued.body.token);
    expect((await ok('ian.thompson', 'DELETE', `/admin/tokens/${issued.body.id}`)).revokedAt).not.toBeNull();
    expect((await ctx.app.request('/me', { headers: { authorization: `Bearer ${issued.body.token}` } })).status).toBe(401);
    expect(await ok('ian.thompson', 'PATCH', '/admin/users/noor.ali', { active: false })).toMatchObject({ active: false });
  });

  it('lists rule sets, activates one and shows the configuration in force', async () => {
    const sets = await ok('claire.dawson', 'GET', '/rule-sets');
    expect(sets.items).toEqual([
      expect.objectContaining({ id: 'nw-clinical-prioritisation', version: '1.0.0', active: false, draft: false }),
      expect.objectContaining({ id: 'nw-clinical-prioritisation', version: '1.1.0', active: false, draft: true }),
      expect.objectContaining({ id: 'nw-clinical-prioritisation', version: '1.2.0', active: true, draft: false }),
    ]);
    const activated = await ok('ian.thompson', 'POST', '/admin/rule-sets/activate', { id: 'nw-clinical-prioritisation', version: '1.0.0', reason: 'Confirmed for 2026/27' });
    expect(activated).toMatchObject({ active: true, hash: sets.items[0].hash });
    const config = await ok('ian.thompson', 'GET', '/admin/config');
    expect(config.policy).toMatchObject({ maxRevisionCycles: 2, maxDeferrals: 2, quorum: { minProfessions: 3 } });
    expect(config.activeRuleSet).toEqual({ id: 'nw-clinical-prioritisation', version: '1.0.0' });
  });
});

describe('bids, review and the Assembly', () => {
  const refs: Record<string, string> = {};

  it('submits bids and lists them with filters and pages', async () => {
    refs.a = await submitAs('amira.hassan', smallBid({ title: 'Frailty hub at home' }));
    refs.b = await submitAs('amira.hassan', smallBid({ title: 'Diabetes education in Norwich' }));
    refs.c = await submitAs('tom.fletcher', largeBid({ leadOrganisation: 'QEH', partnerOrganisations: [], places: ['west_norfolk'], title: 'Midwife-led stop smoking in King\'s Lynn' }));
    refs.d = await submitAs('amira.hassan', smallBid({ title: 'Pharmacy blood pressure checks' }));
    refs.e = await submitAs('grace.okafor', smallBid({ leadOrganisation: 'NSFT', partnerOrganisations: [], riskOfNotFunding: { likelihood: 4, impact: 4 }, primaryAmbition: 'mental_health', secondaryAmbitions: [], title: 'Crisis beds this winter' }));
    refs.f = await submitAs('amira.hassan', largeBid({ title: 'Diagnostic centre', costs: [{ financialYear: '2026/27', recurrentPence: 70_000_000, nonRecurrentPence: 40_000_000 }] }));

    const nnuh = await ok('amira.hassan', 'GET', '/bids?organisation=NNUH&pageSize=2&page=1');
    expect(nnuh).toMatchObject({ total: 4, page: 1, pageSize: 2 });
    expect(nnuh.items).toHaveLength(2);
    expect((await ok('amira.hassan', 'GET', '/bids?pageSize=2&page=2')).items).toHaveLength(2);
    const mental = await ok('claire.dawson', 'GET', '/bids?ambition=mental_health&state=HUB_REVIEW,INTAKE');
    expect(mental.items.map((i: { reference: string }) => i.reference)).toEqual([refs.e]);
    const west = await ok('claire.dawson', 'GET', '/bids?place=west_norfolk&q=King');
    expect(west.items.map((i: { reference: string }) => i.reference)).toEqual([refs.c]);
    const one = await ok('amira.hassan', 'GET', `/bids/${refs.a}`);
    expect(one.bid).toMatchObject({ reference: refs.a, title: 'Frailty hub at home' });
    expect(one.allowedActions).toEqual(['withdraw']);
  });

  it('reviews: declare an interest, take, assign, record steps and ratings, complete', async () => {
    const a = await waitFor(refs.a!, (b) => evaluatorsOf(b).length === 1, 'an evaluator');
    const first = evaluatorsOf(a)[0]!;
    await ok(first, 'POST', `/bids/${refs.a}/interests`, { nature: 'I led the pilot this bid builds on' });
    const taker = ['priya.shah', 'daniel.price', 'helen.wright'].find((id) => id !== first)!;
    expect((await ok(taker, 'GET', '/reviews/queue')).items.map((i: { reference: string; why: string }) => [i.reference, i.why])).toContainEqual([refs.a, 'open_place']);
    await ok(taker, 'POST', `/bids/${refs.a}/review/take`, {});
    const other = ['priya.shah', 'daniel.price', 'helen.wright'].find((id) => id !== first && id !== taker)!;
    await ok('rachel.green', 'POST', `/bids/${refs.a}/review/assign`, { evaluatorId: other, replaces: taker });
    await reviewOverHttp(refs.a!, other);
    await waitFor(refs.a!, (b) => b.bid.state === 'AWAITING_ASSEMBLY', 'scored');
  });

  it('requests revisions and takes the resubmission', async () => {
    const b = await waitFor(refs.b!, (x) => evaluatorsOf(x).length === 1, 'an evaluator');
    await ok(evaluatorsOf(b)[0]!, 'POST', `/bids/${refs.b}/review/revisions`, { comments: 'Add the baseline for Norwich' });
    await waitFor(refs.b!, (x) => x.bid.state === 'AWAITING_REVISION', 'awaiting revision');
    const receipt = await ok('amira.hassan', 'POST', `/bids/${refs.b}/resubmit`, smallBid({ title: 'Diabetes education in Norwich', summary: `${smallBid().summary} Norwich baseline added.` }));
    expect(receipt).toEqual({ reference: refs.b, state: 'HUB_REVIEW', missing: [] });
  });

  it('moderates two evaluators who diverge', async () => {
    const c = await waitFor(refs.c!, (x) => evaluatorsOf(x).length === 2, 'two evaluators');
    const [one, two] = evaluatorsOf(c) as [string, string];
    await reviewOverHttp(refs.c!, one, [5, 4, 4]);
    await reviewOverHttp(refs.c!, two, [1, 4, 4]);
    await waitFor(refs.c!, (x) => x.status.review?.phase === 'moderation', 'moderation');
    expect((await ok('rachel.green', 'GET', '/reviews/queue')).items.map((i: { reference: string; why: string }) => [i.reference, i.why])).toContainEqual([refs.c, 'moderation']);
    await ok('rachel.green', 'POST', `/bids/${refs.c}/review/moderation`, {
      ratings: { evidence_quality: 3.5, deliverability: 4, quality_and_safety: 4 },
      decision: 'ready',
      comments: 'NICE guidance supports the model',
    });
    await waitFor(refs.c!, (x) => x.bid.state === 'AWAITING_ASSEMBLY', 'scored');
  });

  it('withdraws a bid', async () => {
    await waitFor(refs.d!, (x) => x.bid.state === 'HUB_REVIEW', 'review');
    expect(await ok('amira.hassan', 'POST', `/bids/${refs.d}/withdraw`, { reason: 'Funded by NHS England instead' })).toMatchObject({ state: 'WITHDRAWN' });
  });

  it("takes chair's action on a safety escalation and re-scores a waiting bid", async () => {
    const e = await waitFor(refs.e!, (x) => evaluatorsOf(x).length === 1, 'an evaluator');
    await reviewOverHttp(refs.e!, evaluatorsOf(e)[0]!);
    await waitFor(refs.e!, (x) => !!x.status.assembly?.chairsActionDeadline, "chair's action window");
    expect(await ok('sarah.collins', 'POST', `/bids/${refs.e}/chairs-action`, { outcome: 'supported', reason: 'Winter pressures in crisis care' })).toMatchObject({
      state: 'ALLOCATION',
      assembly: { ratification: 'pending' },
    });
    expect(await ok('ian.thompson', 'POST', `/bids/${refs.a}/rescore`, { reason: 'Rule set confirmed for the year' })).toMatchObject({ state: 'AWAITING_ASSEMBLY' });
  });

  it('explains each of a bid’s scores and re-derives them for finance', async () => {
    const latest = await ok('amira.hassan', 'GET', `/bids/${refs.a}/score`);
    expect(latest).toMatchObject({ reference: refs.a, scoreId: 'score2', current: true });
    expect(latest.scores.map((s: { scoreId: string }) => s.scoreId)).toEqual(['score2', 'score1']);
    expect(await ok('amira.hassan', 'GET', `/bids/${refs.a}/scores/score1`)).toMatchObject({ scoreId: 'score1', current: false });
    expect(await ok('claire.dawson', 'POST', `/bids/${refs.a}/score/verify`)).toMatchObject({ scoreId: 'score2', match: true, differences: [] });
    expect(await ok('claire.dawson', 'POST', `/bids/${refs.a}/scores/score1/verify`)).toMatchObject({ scoreId: 'score1', match: true, differences: [] });
  });

  it("runs a meeting: schedule, agenda, attendance, interests, votes, decisions, the Board's decision, close; and cancels another", async () => {
    const f = await waitFor(refs.f!, (x) => evaluatorsOf(x).length === 2, 'two evaluators');
    for (const evaluator of evaluatorsOf(f)) await reviewOverHttp(refs.f!, evaluator);
    await waitFor(refs.f!, (x) => x.bid.state === 'AWAITING_ASSEMBLY', 'scored');

    const id = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-assembly`;
    const scheduled = await call('ian.thompson', 'POST', '/meetings', { meetingId: id, title: 'CCP Assembly (test)', scheduledFor: new Date(Date.now() + 20 * 86_400_000).toISOString() });
    expect(scheduled.status).toBe(201);
    expect((await ok('mark.osei', 'GET', '/meetings')).items.map((m: { meetingId: string }) => m.meetingId)).toContain(id);
    const agenda = await ok('sarah.collins', 'POST', `/meetings/${id}/agenda/close`, {});
    const itemFor = (reference: string) => agenda.items.find((i: { reference: string }) => i.reference === reference);
    expect(agenda.items[0]).toMatchObject({ reference: refs.e, purpose: 'ratification' });
    expect(itemFor(refs.f!)).toMatchObject({ purpose: 'decision', delegation: 'board' });
    await ok('sarah.collins', 'POST', `/meetings/${id}/open`, {});
    await ok('sarah.collins', 'POST', `/meetings/${id}/attendance`, { present: QUORATE });
    await ok('laura.king', 'POST', `/meetings/${id}/items/${itemFor(refs.c!).itemId}/interests`, { nature: 'My team would run the service' });
    for (const member of QUORATE) await ok(member, 'POST', `/meetings/${id}/items/${itemFor(refs.f!).itemId}/votes`, { vote: 'support' });
    await ok('sarah.collins', 'POST', `/meetings/${id}/items/${itemFor(refs.e!).itemId}/decision`, { outcome: 'ratified' });
    await ok('sarah.collins', 'POST', `/meetings/${id}/items/${itemFor(refs.f!).itemId}/decision`, { outcome: 'supported', reason: 'Supported' });
    const detail = await ok('sarah.collins', 'GET', `/meetings/${id}`);
    expect(detail.meeting.items.find((i: { reference: string }) => i.reference === refs.f).decision.outcome).toBe('supported');
    await ok('sarah.collins', 'POST', `/meetings/${id}/close`, {});
    const trail = await ok('claire.dawson', 'GET', `/meetings/${id}/trail`);
    expect(trail.events.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['meeting.scheduled', 'meeting.agenda_closed', 'meeting.opened', 'meeting.closed']));

    await waitFor(refs.f!, (x) => x.bid.state === 'AWAITING_BOARD', 'the Board');
    expect(await ok('ian.thompson', 'POST', `/bids/${refs.f}/board-decision`, { approved: true, minuteReference: 'B/26/201', reason: 'Approved' })).toMatchObject({ state: 'ALLOCATION' });

    const other = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-cancelled`;
    await ok('ian.thompson', 'POST', '/meetings', { meetingId: other, scheduledFor: new Date(Date.now() + 40 * 86_400_000).toISOString() });
    expect(await ok('ian.thompson', 'POST', `/meetings/${other}/cancel`, { reason: 'Moved to the following week' })).toMatchObject({ state: 'CANCELLED' });
  });

  it('opens a funding round, runs it, tries a what-if, explains it, overrides a bid, confirms it; cancels another', async () => {
    const opened = await call('ian.thompson', 'POST', '/rounds', {
      roundId: 'happy-round',
      title: 'Winter round',
      financialYear: '2026/27',
      envelopePence: 150_000_000,
      subEnvelopes: [{ id: 'mental-health', dimension: 'ambition', key: 'mental_health', label: 'Mental health', envelopePence: 20_000_000 }],
      opensAt: new Date(Date.now() - 60_000).toISOString(),
      closesAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(opened.status).toBe(201);
    expect((await ok('claire.dawson', 'GET', '/rounds')).items.map((r: { roundId: string }) => r.roundId)).toContain('happy-round');
    const run = await ok('claire.dawson', 'POST', '/rounds/happy-round/allocate', { reason: 'Winter pressures' });
    expect(run.proposal.places.map((p: { reference: string }) => p.reference).sort()).toEqual([refs.e, refs.f].sort());
    const whatIf = await ok('claire.dawson', 'POST', '/rounds/happy-round/what-if', { envelopePence: 5_000_000 });
    expect(whatIf.comparedWith).toBe('proposal version 1');
    const detail = await ok('claire.dawson', 'GET', '/rounds/happy-round');
    expect(detail.allocation.version).toBe(1);
    expect((await ok('claire.dawson', 'GET', '/rounds/happy-round/what-it-would-take')).basis.version).toBe(1);
    expect((await ok('claire.dawson', 'GET', '/rounds/happy-round/optimum')).givenUpHundredths).toBeGreaterThanOrEqual(0);
    expect((await ok('claire.dawson', 'GET', '/rounds/happy-round/sensitivity?samples=50&seed=7')).seed).toBe(7);
    const funded = run.proposal.places.find((p: { outcome: string }) => p.outcome === 'funded').reference;
    const overridden = await ok('claire.dawson', 'POST', '/rounds/happy-round/override', { version: 1, reference: funded, direction: 'waitlist', reason: 'Deferred to the spring round' });
    expect(overridden.overrides[0]).toMatchObject({ reference: funded, direction: 'waitlist' });
    expect(await ok('claire.dawson', 'POST', '/rounds/happy-round/confirm', { version: 1 })).toMatchObject({ state: 'CONFIRMED' });
    expect(await ok('claire.dawson', 'POST', '/rounds/happy-round/allocations/1/verify')).toMatchObject({ roundId: 'happy-round', version: 1, match: true });
    expect((await ok('claire.dawson', 'GET', '/rounds/happy-round/publication')).confirmed.version).toBe(1);
    expect((await call('claire.dawson', 'GET', '/rounds/happy-round/publication.csv')).body).toMatch(/^round,financial_year,/);
    const meetingId = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-assembly`;
    const meetingPack = await call('claire.dawson', 'GET', `/meetings/${meetingId}/publication`);
    expect(meetingPack.status, JSON.stringify(meetingPack.body)).toBe(200);
    expect((await call('claire.dawson', 'GET', `/meetings/${meetingId}/publication.csv`)).body).toMatch(/^meeting,date,/);
    const trail = await ok('claire.dawson', 'GET', '/rounds/happy-round/trail');
    expect(trail.events.map((e: { action: string }) => e.action)).toEqual(['round.opened', 'allocation.proposed', 'allocation.overridden', 'allocation.confirmed']);
    await ok('ian.thompson', 'POST', '/rounds', { roundId: 'happy-spare', title: 'Spare', financialYear: '2027/28', envelopePence: 1, opensAt: new Date().toISOString(), closesAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(await ok('ian.thompson', 'POST', '/rounds/happy-spare/cancel', { reason: 'Not needed' })).toMatchObject({ state: 'CANCELLED' });
  });

  it("reads, searches, exports and verifies the trail, and totals the money", async () => {
    const trail = await ok('amira.hassan', 'GET', `/bids/${refs.a}/trail`);
    expect(trail.events[0]).toMatchObject({ action: 'bid.submitted', seq: 1 });
    expect(await ok('amira.hassan', 'GET', `/bids/${refs.a}/trail/verify`)).toMatchObject({ valid: true });
    const page1 = await ok('claire.dawson', 'GET', '/trail?organisation=NSFT&limit=5');
    expect(page1.items).toHaveLength(5);
    expect(page1.items.every((e: { streamId: string }) => e.streamId === refs.e)).toBe(true);
    const page2 = await ok('claire.dawson', 'GET', `/trail?organisation=NSFT&limit=5&cursor=${page1.nextCursor}`);
    expect(page2.items[0].id).toBeGreaterThan(page1.items.at(-1).id);
    const decisions = await ok('claire.dawson', 'GET', '/trail?action=assembly.decision&minPence=100000000');
    expect(new Set(decisions.items.map((e: { streamId: string }) => e.streamId))).toEqual(new Set([refs.f]));
    const csv = await call('claire.dawson', 'GET', '/trail/export.csv?financialYear=2026/27&state=ALLOCATION');
    expect(csv.status).toBe(200);
    expect(csv.body.split('\n')[0]).toMatch(/^event_id,bid_reference,seq,/);
    // Newest first, for the trail page; the words of a label instead of its code.
    const newest = await ok('claire.dawson', 'GET', '/trail?organisation=NSFT&limit=5&order=newest');
    expect(newest.items[0].id).toBeGreaterThan(newest.items.at(-1).id);
    const byWords = await ok('claire.dawson', 'GET', `/trail?words=${encodeURIComponent('Allocation confirmed')}&reference=${refs.f}`);
    expect(byWords.items.map((e: { action: string }) => e.action)).toEqual(['allocation.confirmed']);
    // The finance CSV: one row per decision, pounds and labels beside the codes.
    const finance = await call('claire.dawson', 'GET', `/trail/finance.csv?reference=${refs.f}`);
    expect(finance.status).toBe(200);
    expect(finance.headers.get('content-disposition')).toMatch(/^attachment; filename="decisions-for-finance-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parse<Record<string, string>>(finance.body, { columns: true });
    expect(rows.map((r) => r.decision).filter((d) => d !== 'Allocation overridden')).toEqual(['Assembly decision', 'Board decision', 'Allocation confirmed']);
    expect(rows.find((r) => r.decision === 'Board decision')).toMatchObject({ action: 'board.decision_recorded', outcome: 'approved', outcome_label: 'Approved', board_minute: 'B/26/201', decided_by: 'Ian Thompson', bid_total_pence: '110000000', bid_total_pounds: '1100000.00' });
    expect(rows.find((r) => r.decision === 'Allocation confirmed')).toMatchObject({ decided_by: 'Claire Dawson', decided_by_role_label: 'ICB finance', round_id: 'happy-round', round_title: 'Winter round', round_financial_year: '2026/27', round_year_pence: '110000000', round_year_pounds: '1100000.00' });
    const both = parse<Record<string, string>>((await call('claire.dawson', 'GET', `/trail/finance.csv?organisation=NSFT`)).body, { columns: true });
    expect(both.map((r) => r.decision)).toEqual(expect.arrayContaining(["Chair's action", "Chair's action ratified", 'Allocation confirmed']));
    const overrides = [...rows, ...both].filter((r) => r.decision === 'Allocation overridden');
    expect(overrides).toHaveLength(1);
    expect(overrides[0]).toMatchObject({ action: 'allocation.overridden', outcome: 'waitlisted', outcome_label: 'Waitlisted', reason: 'Deferred to the spring round', round_title: 'Winter round' });
    expect(overrides[0]!.details).toContain('Overridden to: Waitlist');
    expect(await ok('claire.dawson', 'GET', '/trail/verify')).toMatchObject({ valid: true, firstBroken: null });
    const totals = await ok('claire.dawson', 'GET', '/finance/totals');
    expect(totals.years.find((y: { financialYear: string }) => y.financialYear === '2026/27')).toMatchObject({ supported: { bids: 2 }, committed: { bids: 1 } }); // one waitlisted by override
    expect(totals.envelopes.map((r: { roundId: string }) => r.roundId)).toEqual(['happy-round']);
  });

  it("shows a programme team its notifications and e-mail preferences, and a decided bid's letters", async () => {
    const mine = await ok('amira.hassan', 'GET', '/notifications?limit=50');
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.unread).toBeGreaterThan(0);
    expect(mine.items.some((n: { reference: string; category: string; href: string }) => n.reference === refs.f && n.category === 'decision' && n.href.includes(refs.f))).toBe(true);
    expect(await ok('amira.hassan', 'POST', '/notifications/seen')).toMatchObject({ unread: 0 });
    expect((await ok('amira.hassan', 'GET', '/notifications')).unread).toBe(0);
    expect((await ok('amira.hassan', 'GET', '/notifications/preferences')).update).toBe(true);
    expect(await ok('amira.hassan', 'PUT', '/notifications/preferences', { update: false })).toMatchObject({ update: false, decision: true });
    const refused = await call('amira.hassan', 'PUT', '/notifications/preferences', { fax: true });
    expect(refused.status).toBe(400);

    // The Assembly's and the Board's decisions each made a letter (in the background).
    await until(ctx, 'amira.hassan', `/bids/${refs.f}/letters`, (b) => b.items.length >= 2, 'two decision letters', 60_000);
    const letters = await ok('amira.hassan', 'GET', `/bids/${refs.f}/letters`);
    const pdf = await call('amira.hassan', 'GET', letters.items[0].href);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('x-content-sha256')).toBe(letters.items[0].sha256);
    expect((await call('grace.okafor', 'GET', letters.items[0].href)).status).toBe(403); // another organisation's bid
  });

  it('asks for reconsideration of a decision not to support a bid, and the hub lead returns it to the Assembly', async () => {
    const reference = await submitAs('tom.fletcher', smallBid({ leadOrganisation: 'QEH', partnerOrganisations: [], title: 'Falls clinic in Downham Market' }));
    const g = await waitFor(reference, (x) => evaluatorsOf(x).length === 1, 'an evaluator');
    await reviewOverHttp(reference, evaluatorsOf(g)[0]!);
    await waitFor(reference, (x) => x.bid.state === 'AWAITING_ASSEMBLY', 'scored');
    const id = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-reconsider`;
    await ok('ian.thompson', 'POST', '/meetings', { meetingId: id, scheduledFor: new Date(Date.now() + 30 * 86_400_000).toISOString() });
    const agenda = await ok('sarah.collins', 'POST', `/meetings/${id}/agenda/close`, {});
    const item = agenda.items.find((i: { reference: string }) => i.reference === reference);
    await ok('sarah.collins', 'POST', `/meetings/${id}/open`, {});
    await ok('sarah.collins', 'POST', `/meetings/${id}/attendance`, { present: QUORATE });
    await ok('sarah.collins', 'POST', `/meetings/${id}/items/${item.itemId}/decision`, { outcome: 'not_supported', reason: 'No evidence of need in West Norfolk' });
    await waitFor(reference, (x) => !!x.status.reconsideration?.window, 'open to reconsideration');

    const asked = await ok('tom.fletcher', 'POST', `/bids/${reference}/reconsideration`, { reason: 'The falls audit was not before the Assembly', newInformation: 'Audit: 212 falls admissions from Downham Market in 2025/26.' });
    expect(asked).toMatchObject({ state: 'CLOSED_NOT_SUPPORTED', reconsideration: { request: { by: { id: 'tom.fletcher' } } } });
    const reviewed = await ok('rachel.green', 'POST', `/bids/${reference}/reconsideration-review`, { outcome: 'return_to_assembly', reason: 'The audit is new and material' });
    expect(reviewed).toMatchObject({ state: 'AWAITING_ASSEMBLY', reconsideration: { review: { outcome: 'return_to_assembly' } } });
    await ok('sarah.collins', 'POST', `/meetings/${id}/close`, {});
  });

  it('supports a bid with a dated condition, and the hub lead records the condition as met', async () => {
    const reference = await submitAs('tom.fletcher', smallBid({ leadOrganisation: 'QEH', partnerOrganisations: [], title: 'Perinatal mental health outreach in West Norfolk' }));
    const g = await waitFor(reference, (x) => evaluatorsOf(x).length === 1, 'an evaluator');
    await reviewOverHttp(reference, evaluatorsOf(g)[0]!);
    await waitFor(reference, (x) => x.bid.state === 'AWAITING_ASSEMBLY', 'scored');
    const id = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-conditions`;
    await ok('ian.thompson', 'POST', '/meetings', { meetingId: id, scheduledFor: new Date(Date.now() + 30 * 86_400_000).toISOString() });
    const closed = await ok('sarah.collins', 'POST', `/meetings/${id}/agenda/close`, {});
    // The chair takes the agenda in another order (here, the reverse): the items keep their ids.
    const reversed = closed.items.map((i: { itemId: string }) => i.itemId).reverse();
    const agenda = await ok('sarah.collins', 'POST', `/meetings/${id}/agenda/order`, { order: reversed });
    expect(agenda.items.map((i: { itemId: string; position: number }) => [i.itemId, i.position])).toEqual(reversed.map((itemId: string, n: number) => [itemId, n + 1]));
    const item = agenda.items.find((i: { reference: string }) => i.reference === reference);
    await ok('sarah.collins', 'POST', `/meetings/${id}/open`, {});
    await ok('sarah.collins', 'POST', `/meetings/${id}/attendance`, { present: QUORATE });
    const dueBy = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    await ok('sarah.collins', 'POST', `/meetings/${id}/items/${item.itemId}/decision`, {
      outcome: 'supported_with_conditions',
      conditions: ['Quarterly report to the hub', { text: 'Baseline referral data to the hub', dueBy }],
      reason: 'Meets a clear need',
    });
    const supported = await waitFor(reference, (x) => x.bid.state === 'ALLOCATION', 'supported');
    expect(supported.status.conditions.items).toMatchObject([{ id: 'c1', text: 'Quarterly report to the hub' }, { id: 'c2', dueBy, dueAt: expect.any(String), remindAt: expect.any(String) }]);
    const met = await ok('rachel.green', 'POST', `/bids/${reference}/conditions/met`, { conditionId: 'c2', evidence: 'Baseline data received 2 January' });
    expect(met.conditions.items[1]).toMatchObject({ id: 'c2', met: { by: { id: 'rachel.green' }, evidence: 'Baseline data received 2 January' } });
    const waived = await ok('sarah.collins', 'POST', `/bids/${reference}/conditions/waiver`, { conditionId: 'c1', reason: 'The quarterly return replaces it' });
    expect(waived.conditions.items[0]).toMatchObject({ id: 'c1', waived: { by: { id: 'sarah.collins' }, reason: 'The quarterly return replaces it' } });
    await ok('sarah.collins', 'POST', `/meetings/${id}/close`, {});
  });
});

describe('the register of interests and the quorum forecast', () => {
  it('declares an interest, publishes the register as JSON and CSV, and withdraws it', async () => {
    // Another body, not an organisation of any bid here: it conflicts no one out of this file's bids.
    const entry = await call('ben.carter', 'POST', '/register/interests', { body: 'Norfolk Health Research Trust', kind: 'other', description: 'Unpaid trustee', from: '2025-01-01' }, { 'idempotency-key': 'register-happy-1' });
    expect(entry.status).toBe(201);
    expect(entry.body).toMatchObject({ person: { id: 'ben.carter' }, body: 'Norfolk Health Research Trust', organisation: null, current: true, inWords: 'other interest, since 2025-01-01' });
    const again = await call('ben.carter', 'POST', '/register/interests', { body: 'Norfolk Health Research Trust', kind: 'other', description: 'Unpaid trustee', from: '2025-01-01' }, { 'idempotency-key': 'register-happy-1' });
    expect(again.body.id).toBe(entry.body.id);

    const register = await ok('claire.dawson', 'GET', '/register');
    expect(register.entries.map((e: { id: string }) => e.id)).toContain(entry.body.id);
    const csv = await call('claire.dawson', 'GET', '/register.csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = parse<Record<string, string>>(csv.body as string, { columns: true });
    expect(rows).toContainEqual(expect.objectContaining({ Name: 'Ben Carter', 'Interest in': 'Norfolk Health Research Trust', Kind: 'other', Current: 'yes' }));

    const withdrawn = await ok('ben.carter', 'POST', `/register/interests/${entry.body.id}/withdrawal`, { reason: 'Stood down' });
    expect(withdrawn).toMatchObject({ current: false, withdrawnBy: 'ben.carter', withdrawnReason: 'Stood down' });
    expect((await ok('claire.dawson', 'GET', '/register')).entries.map((e: { id: string }) => e.id)).not.toContain(entry.body.id);
    expect((await ok('claire.dawson', 'GET', '/register?include=all')).entries.map((e: { id: string }) => e.id)).toContain(entry.body.id);
  });

  it('takes members\' replies to a meeting and forecasts its quorum per item', async () => {
    const id = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-forecast`;
    await ok('ian.thompson', 'POST', '/meetings', { meetingId: id, scheduledFor: new Date(Date.now() + 50 * 86_400_000).toISOString() });
    expect(await ok('aisha.begum', 'POST', `/meetings/${id}/replies`, { reply: 'attending' })).toMatchObject({ meetingId: id, personId: 'aisha.begum', reply: 'attending' });
    const forecast = await ok('sarah.collins', 'GET', `/meetings/${id}/forecast`);
    expect(forecast).toMatchObject({ meetingId: id, state: 'SCHEDULED', basis: 'bids_awaiting_the_assembly', replies: { attending: ['aisha.begum'] } });
    expect(Array.isArray(forecast.proposedOrder)).toBe(true);
    await ok('ian.thompson', 'POST', `/meetings/${id}/cancel`, { reason: 'Only for the forecast' });
  });
});

describe('coverage', () => {
  it('answered every documented route with success', () => {
    const missing = documented.map((r) => `${r.method} ${r.template}`).filter((r) => !succeeded.has(r));
    expect(missing).toEqual([]);
  });
});
