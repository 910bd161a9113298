// Security of the API: no route but health and the documentation answers without a valid
// token; tokens are stored hashed; every route refuses the wrong role, naming the rule; conflicts
// of interest are refused wherever they apply; people see only the bids their work needs.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { DEMO_USERS, demoEmail } from '../src/db/demo.js';
import { apiTokens, users } from '../src/db/schema.js';
import { hashToken, issueToken } from '../src/services/auth.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { call, until } from './helpers/http.js';
import { largeBid, smallBid } from './helpers/lifecycle.js';

let ctx: TestContext;
const refs: Record<string, string> = {};
let meetingId = '';
let itemId = '';

beforeAll(async () => {
  ctx = await createTestContext();
  const submit = async (user: string, bid: object) => (await call(ctx, user, 'POST', '/bids', { ...bid, reference: ctx.reference() })).body.reference as string;
  refs.nnuh = await submit('amira.hassan', smallBid());
  refs.returned = await submit('amira.hassan', smallBid({ kind: 'pilot', evaluationPlan: null }));
  refs.nchc = await submit('amira.hassan', smallBid({ partnerOrganisations: ['NCHC'], riskOfNotFunding: { likelihood: 4, impact: 4 } }));
  refs.large = await submit('tom.fletcher', largeBid({ leadOrganisation: 'QEH', partnerOrganisations: [] }));

  // Take the NCHC bid (safety-escalated) to the Assembly, and the large one into moderation.
  const review = async (reference: string, evaluator: string, evidence: number) => {
    for (const step of ['evaluation_design', 'outcome_measures', 'data_availability']) {
      await call(ctx, evaluator, 'POST', `/bids/${reference}/review/steps`, { step, assessment: 'adequate', comments: 'ok' });
    }
    for (const criterion of ['evidence_quality', 'deliverability', 'quality_and_safety']) {
      await call(ctx, evaluator, 'POST', `/bids/${reference}/review/ratings`, { criterion, rating: criterion === 'evidence_quality' ? evidence : 4, rationale: 'ok' });
    }
    await call(ctx, evaluator, 'POST', `/bids/${reference}/review/complete`, { recommendation: 'ready' });
  };
  const nchc = await until(ctx, 'ian.thompson', `/bids/${refs.nchc}`, (b) => b.status.review?.reviews.length === 1, 'an evaluator');
  await review(refs.nchc, nchc.status.review.reviews[0].evaluator.id, 4);
  const large = await until(ctx, 'ian.thompson', `/bids/${refs.large}`, (b) => b.status.review?.reviews.length === 2, 'two evaluators');
  const [one, two] = large.status.review.reviews.map((r: { evaluator: { id: string } }) => r.evaluator.id);
  await review(refs.large, one, 5);
  await review(refs.large, two, 1);
  await until(ctx, 'ian.thompson', `/bids/${refs.nchc}`, (b) => !!b.status.assembly?.chairsActionDeadline, 'the Assembly');
  await until(ctx, 'ian.thompson', `/bids/${refs.large}`, (b) => b.status.review?.phase === 'moderation', 'moderation');
  await until(ctx, 'ian.thompson', `/bids/${refs.returned}`, (b) => b.bid.state === 'RETURNED', 'returned');
  await until(ctx, 'ian.thompson', `/bids/${refs.nnuh}`, (b) => b.status.review?.reviews.length === 1, 'an evaluator');

  await call(ctx, 'ian.thompson', 'POST', '/rounds', {
    roundId: 'sec-round',
    title: 'Security round',
    financialYear: '2026/27',
    envelopePence: 100_000_000,
    opensAt: new Date(Date.now() - 60_000).toISOString(),
    closesAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  meetingId = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-sec`;
  await call(ctx, 'ian.thompson', 'POST', '/meetings', { meetingId, scheduledFor: new Date(Date.now() + 10 * 86_400_000).toISOString() });
  const agenda = await call(ctx, 'sarah.collins', 'POST', `/meetings/${meetingId}/agenda/close`, {});
  itemId = agenda.body.items.find((i: { reference: string }) => i.reference === refs.nchc).itemId;
  await call(ctx, 'sarah.collins', 'POST', `/meetings/${meetingId}/open`, {});
  await call(ctx, 'sarah.collins', 'POST', `/meetings/${meetingId}/attendance`, {
    present: ['sarah.collins', 'mark.osei', 'james.lee', 'aisha.begum', 'peter.novak', 'laura.king', 'ben.carter'],
  });
}, 120_000);
afterAll(async () => ctx?.close());

const pathFor = (template: string) =>
  template
    .replace('{reference}', refs.nnuh!)
    .replace('{meetingId}', meetingId)
    .replace('{itemId}', itemId)
    .replace('{roundId}', 'sec-round')
    .replace('{userId}', 'priya.shah')
    .replace('{tokenId}', 'abcdefghij');

describe('authentication', () => {
  it('refuses every route but health, metrics and the documentation without a token, or with a bad one', async () => {
    const doc = (await call(ctx, null, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([template, ops]) => Object.keys(ops).map((m) => [m.toUpperCase(), template] as const));
    expect(routes.length).toBeGreaterThan(40);
    for (const [method, template] of routes) {
      const path = pathFor(template);
      const anonymous = await call(ctx, null, method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
      // Health is public; /metrics is too unless METRICS_TOKEN is set (test/ops.health.test.ts).
      if (['/health', '/health/live', '/health/ready', '/metrics'].includes(template)) {
        expect([template, anonymous.status]).toEqual([template, 200]);
        continue;
      }
      expect([method, template, anonymous.status]).toEqual([method, template, 401]);
      expect(anonymous.body.error.code).toBe('unauthenticated');
      expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
      const forged = await ctx.app.request(path, { method, headers: { authorization: 'Bearer cp_abcdefghij_' + 'x'.repeat(43) } });
      expect([method, template, forged.status]).toEqual([method, template, 401]);
    }
  });

  it('keeps only the hash of a token, and refuses an expired token and a deactivated user', async () => {
    const rows = await ctx.db.select().from(apiTokens);
    const raw = Object.values(ctx.tokens);
    for (const row of rows) expect(raw).not.toContain(row.tokenHash);
    expect(rows.map((r) => r.tokenHash)).toContain(hashToken(ctx.tokens['claire.dawson']!));

    const expired = await issueToken(ctx.db, { userId: 'claire.dawson', label: 'old', createdBy: 'test', expiresAt: new Date(Date.now() - 1000) });
    expect((await ctx.app.request('/me', { headers: { authorization: `Bearer ${expired.token}` } })).status).toBe(401);

    const fresh = await issueToken(ctx.db, { userId: 'omar.farouk', label: 'x', createdBy: 'test' });
    await ctx.db.update(users).set({ active: false }).where(eq(users.id, 'omar.farouk'));
    expect((await ctx.app.request('/me', { headers: { authorization: `Bearer ${fresh.token}` } })).status).toBe(401);
    await ctx.db.update(users).set({ active: true }).where(eq(users.id, 'omar.farouk'));
  });
});

describe('roles', () => {
  // Each route, someone whose role does not allow it, and the rule that refuses them.
  const refusals: [string, string, string, () => unknown, string][] = [
    ['POST', '/bids', 'priya.shah', () => smallBid(), 'role'],
    ['POST', '/bids', 'tom.fletcher', () => smallBid(), 'own_organisation'],
    ['POST', '/bids/{reference}/withdraw', 'tom.fletcher', () => ({ reason: 'not mine' }), 'own_organisation'],
    ['POST', '/bids/{reference}/withdraw', 'priya.shah', () => ({ reason: 'x' }), 'role'],
    ['POST', '/bids/{reference}/resubmit', 'priya.shah', () => smallBid(), 'role'],
    ['POST', '/bids/{reference}/interests', 'amira.hassan', () => ({ nature: 'x' }), 'role'],
    ['POST', '/bids/{reference}/chairs-action', 'peter.novak', () => ({ outcome: 'supported', reason: 'x' }), 'role'],
    ['POST', '/bids/{reference}/board-decision', 'claire.dawson', () => ({ approved: true, minuteReference: 'B/1' }), 'role'],
    ['POST', '/bids/{reference}/rescore', 'claire.dawson', () => ({ reason: 'x' }), 'role'],
    ['GET', '/reviews/queue', 'amira.hassan', () => undefined, 'role'],
    ['POST', '/bids/{reference}/review/take', 'amira.hassan', () => ({}), 'role'],
    ['POST', '/bids/{reference}/review/assign', 'priya.shah', () => ({ evaluatorId: 'daniel.price' }), 'role'],
    ['POST', '/bids/{reference}/review/steps', 'amira.hassan', () => ({ step: 'evaluation_design', assessment: 'adequate', comments: 'x' }), 'role'],
    ['POST', '/bids/{reference}/review/ratings', 'amira.hassan', () => ({ criterion: 'deliverability', rating: 3, rationale: 'x' }), 'role'],
    ['POST', '/bids/{reference}/review/complete', 'amira.hassan', () => ({ recommendation: 'ready' }), 'role'],
    ['POST', '/bids/{reference}/review/revisions', 'amira.hassan', () => ({ comments: 'x' }), 'role'],
    ['POST', '/bids/{reference}/review/moderation', 'priya.shah', () => ({ ratings: { evidence_quality: 3, deliverability: 3, quality_and_safety: 3 }, decision: 'ready', comments: 'x' }), 'role'],
    ['POST', '/meetings', 'sarah.collins', () => ({ scheduledFor: new Date(Date.now() + 86_400_000).toISOString() }), 'role'],
    ['GET', '/meetings', 'amira.hassan', () => undefined, 'role'],
    ['GET', '/meetings/{meetingId}', 'priya.shah', () => undefined, 'role'],
    ['GET', '/meetings/{meetingId}/trail', 'amira.hassan', () => undefined, 'role'],
    ['POST', '/meetings/{meetingId}/agenda/close', 'peter.novak', () => ({}), 'role'],
    ['POST', '/meetings/{meetingId}/open', 'peter.novak', () => ({}), 'role'],
    ['POST', '/meetings/{meetingId}/attendance', 'ian.thompson', () => ({ present: [] }), 'role'],
    ['POST', '/meetings/{meetingId}/close', 'peter.novak', () => ({}), 'role'],
    ['POST', '/meetings/{meetingId}/cancel', 'peter.novak', () => ({ reason: 'x' }), 'role'],
    ['POST', '/meetings/{meetingId}/items/{itemId}/interests', 'amira.hassan', () => ({ nature: 'x' }), 'role'],
    ['POST', '/meetings/{meetingId}/items/{itemId}/votes', 'amira.hassan', () => ({ vote: 'support' }), 'role'],
    ['POST', '/meetings/{meetingId}/items/{itemId}/decision', 'peter.novak', () => ({ outcome: 'supported' }), 'role'],
    ['GET', '/trail', 'priya.shah', () => undefined, 'role'],
    ['GET', '/trail/finance.csv', 'amira.hassan', () => undefined, 'role'],
    ['GET', '/trail/export.csv', 'sarah.collins', () => undefined, 'role'],
    ['GET', '/trail/verify', 'amira.hassan', () => undefined, 'role'],
    ['GET', '/finance/totals', 'amira.hassan', () => undefined, 'role'],
    ['GET', '/admin/users', 'claire.dawson', () => undefined, 'role'],
    ['POST', '/admin/users', 'claire.dawson', () => ({ id: 'x.y', name: 'X', email: 'x@y.example', organisation: 'NNUH', roles: ['admin'] }), 'role'],
    ['PATCH', '/admin/users/{userId}', 'rachel.green', () => ({ roles: ['admin'] }), 'role'],
    ['GET', '/admin/users/{userId}/tokens', 'claire.dawson', () => undefined, 'role'],
    ['POST', '/admin/users/{userId}/tokens', 'priya.shah', () => ({ label: 'x' }), 'role'],
    ['DELETE', '/admin/tokens/{tokenId}', 'claire.dawson', () => undefined, 'role'],
    ['POST', '/admin/rule-sets/activate', 'sarah.collins', () => ({ id: 'nw-clinical-prioritisation', version: '1.0.0', reason: 'x' }), 'role'],
    ['GET', '/admin/config', 'claire.dawson', () => undefined, 'role'],
    ['POST', '/rounds', 'claire.dawson', () => ({ title: 'x round', financialYear: '2026/27', envelopePence: 1, opensAt: '2026-12-01T00:00:00Z', closesAt: '2026-12-02T00:00:00Z' }), 'role'],
    ['GET', '/rounds', 'sarah.collins', () => undefined, 'role'],
    ['GET', '/rounds/{roundId}', 'amira.hassan', () => undefined, 'role'],
    ['GET', '/rounds/{roundId}/trail', 'priya.shah', () => undefined, 'role'],
    ['POST', '/rounds/{roundId}/allocate', 'sarah.collins', () => ({ reason: 'x' }), 'role'],
    ['POST', '/rounds/{roundId}/what-if', 'amira.hassan', () => ({}), 'role'],
    ['POST', '/rounds/{roundId}/confirm', 'ian.thompson', () => ({ version: 1 }), 'role'],
    ['POST', '/rounds/{roundId}/cancel', 'claire.dawson', () => ({ reason: 'x' }), 'role'],
  ];

  it.each(refusals.map(([method, template, user, body, rule]) => ({ method, template, user, body, rule })))(
    '$method $template refuses $user ($rule)',
    async ({ method, template, user, body, rule }) => {
      const reply = await call(ctx, user, method, pathFor(template), body());
      expect(reply.status).toBe(403);
      expect(reply.body.error).toMatchObject({ code: 'forbidden', details: { rule } });
      expect(reply.body.error.message).toEqual(expect.any(String));
    },
  );

  it("refuses an evaluator who is not assigned to the bid", async () => {
    const assigned = (await call(ctx, 'ian.thompson', 'GET', `/bids/${refs.nnuh}`)).body.status.review.reviews[0].evaluator.id;
    const other = ['priya.shah', 'daniel.price', 'helen.wright'].find((id) => id !== assigned)!;
    const reply = await call(ctx, other, 'POST', `/bids/${refs.nnuh}/review/steps`, { step: 'evaluation_design', assessment: 'adequate', comments: 'x' });
    expect(reply).toMatchObject({ status: 403, body: { error: { code: 'forbidden', details: { rule: 'assigned_evaluator' } } } });
  });
});

describe('conflicts of interest', () => {
  it('refuses an evaluator from the lead organisation, taking or being assigned the review', async () => {
    const taken = await call(ctx, 'joseph.mensah', 'POST', `/bids/${refs.nnuh}/review/take`, {});
    expect(taken).toMatchObject({ status: 403, body: { error: { code: 'conflict_of_interest', details: { rule: 'conflict_of_interest' } } } });
    const current = (await call(ctx, 'ian.thompson', 'GET', `/bids/${refs.nnuh}`)).body.status.review.reviews[0].evaluator.id;
    const assigned = await call(ctx, 'rachel.green', 'POST', `/bids/${refs.nnuh}/review/assign`, { evaluatorId: 'joseph.mensah', replaces: current });
    expect(assigned).toMatchObject({ status: 403, body: { error: { code: 'conflict_of_interest' } } });
  });

  it('refuses a hub lead who declared an interest to moderate', async () => {
    expect((await call(ctx, 'rachel.green', 'POST', `/bids/${refs.large}/interests`, { nature: 'My sister manages the unit' })).status).toBe(200);
    const moderated = await call(ctx, 'rachel.green', 'POST', `/bids/${refs.large}/review/moderation`, {
      ratings: { evidence_quality: 3, deliverability: 4, quality_and_safety: 4 },
      decision: 'ready',
      comments: 'x',
    });
    expect(moderated).toMatchObject({ status: 403, body: { error: { code: 'conflict_of_interest', message: expect.stringContaining('declared an interest') } } });
  });

  it("refuses chair's action by a vice-chair from a partner organisation", async () => {
    const reply = await call(ctx, 'mark.osei', 'POST', `/bids/${refs.nchc}/chairs-action`, { outcome: 'supported', reason: 'x' });
    expect(reply).toMatchObject({ status: 403, body: { error: { code: 'conflict_of_interest', message: expect.stringContaining('NCHC') } } });
  });

  it("refuses a conflicted member's vote and a conflicted chair's decision", async () => {
    const vote = await call(ctx, 'james.lee', 'POST', `/meetings/${meetingId}/items/${itemId}/votes`, { vote: 'support' });
    expect(vote).toMatchObject({ status: 403, body: { error: { code: 'conflict_of_interest', message: expect.stringContaining('NNUH') } } });
    const decision = await call(ctx, 'mark.osei', 'POST', `/meetings/${meetingId}/items/${itemId}/decision`, { outcome: 'deferred', reason: 'x' });
    expect(decision).toMatchObject({ status: 403, body: { error: { code: 'conflict_of_interest' } } });
  });
});

describe('visibility', () => {
  it("shows programme teams only their own organisation's bids", async () => {
    const list = await call(ctx, 'grace.okafor', 'GET', '/bids');
    expect(list.body.total).toBe(0);
    const read = await call(ctx, 'grace.okafor', 'GET', `/bids/${refs.nnuh}`);
    expect(read).toMatchObject({ status: 403, body: { error: { code: 'forbidden', details: { rule: 'visibility' } } } });
    expect((await call(ctx, 'grace.okafor', 'GET', `/bids/${refs.nnuh}/trail`)).status).toBe(403);
    // A partner organisation's team sees the bid too.
    expect((await call(ctx, 'tom.fletcher', 'GET', `/bids/${refs.nnuh}`)).status).toBe(200);
  });

  it('shows evaluators bids that reached review, and the Assembly bids that were scored', async () => {
    expect((await call(ctx, 'priya.shah', 'GET', `/bids/${refs.returned}`)).status).toBe(403);
    expect((await call(ctx, 'priya.shah', 'GET', `/bids/${refs.nnuh}`)).status).toBe(200);
    expect((await call(ctx, 'peter.novak', 'GET', `/bids/${refs.nnuh}`)).status).toBe(403);
    expect((await call(ctx, 'peter.novak', 'GET', `/bids/${refs.nchc}`)).status).toBe(200);
    const assemblyList = await call(ctx, 'peter.novak', 'GET', '/bids');
    expect(assemblyList.body.items.map((b: { reference: string }) => b.reference)).toEqual([refs.nchc]);
  });

  it('shows finance and the admin everything', async () => {
    for (const user of ['claire.dawson', 'ian.thompson']) {
      expect((await call(ctx, user, 'GET', '/bids')).body.total).toBe(4);
      expect((await call(ctx, user, 'GET', `/bids/${refs.returned}`)).status).toBe(200);
    }
  });
});

describe('workflow histories', () => {
  it("keep people's e-mail addresses and token ids out, whatever the callers did", async () => {
    const secrets = [
      ...DEMO_USERS.map((u) => demoEmail(u.id)),
      ...(await ctx.db.select({ id: apiTokens.id }).from(apiTokens)).map((t) => `"${t.id}"`),
    ];
    let workflows = 0;
    for await (const execution of ctx.client.workflow.list({ query: `TaskQueue = '${ctx.taskQueue}'` })) {
      const history = await ctx.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      // Payloads are JSON inside the protobuf bytes: a recorded e-mail or token id would be there as text.
      const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
      expect(secrets.filter((s) => bytes.includes(s)), execution.workflowId).toEqual([]);
      workflows += 1;
    }
    // Four bids, a round and a meeting, each acted on by people with e-mails and tokens.
    expect(workflows).toBeGreaterThanOrEqual(6);
  });
});
