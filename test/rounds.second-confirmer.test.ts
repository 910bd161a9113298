// Four eyes on allocations: under ALLOCATION_SECOND_CONFIRMER the finance person who ran an
// allocation version may not confirm it (403 four_eyes); another finance person does. Off (the
// default), the runner confirms as before. On the action table and on the real worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { lifecyclePolicy } from '../src/config/policy.js';
import * as round from '../src/model/round.js';
import { SYSTEM } from '../src/model/step.js';
import type { AllocationSummary, PersonRef, PolicySnapshot } from '../src/shared.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { call } from './helpers/http.js';
import { actor } from './helpers/lifecycle.js';

const AT = '2026-12-02T10:00:00.000Z';
const CLAIRE: PersonRef = { id: 'claire.dawson', name: 'Claire Dawson', organisation: 'NWICB' };

function proposedBy(policy: PolicySnapshot, by: PersonRef) {
  const summary: AllocationSummary = { version: 1, runAt: AT, runBy: by, reason: 'run', places: [], cutLine: null, envelopes: [], mustFundOverrun: null };
  const r0 = round.newRound({
    roundId: 'r1',
    title: 'Main',
    financialYear: '2026/27',
    envelopePence: 100_000_000,
    subEnvelopes: [],
    opensAt: '2026-01-01T00:00:00.000Z',
    closesAt: '2027-01-01T00:00:00.000Z',
    createdBy: actor('ian.thompson'),
    policy,
  });
  return round.allocationRun(round.runAsked(r0, by, 'run').model, summary).model;
}

describe('a second confirmer in the action table', () => {
  const on = lifecyclePolicy(loadConfig({ ALLOCATION_SECOND_CONFIRMER: 'true' }));

  it('is kept in the round’s policy when on, and absent when off (older rounds: off)', () => {
    expect(on.allocationSecondConfirmer).toBe(true);
    expect(lifecyclePolicy(loadConfig({})).allocationSecondConfirmer).toBeUndefined();
    expect(lifecyclePolicy(loadConfig({ ALLOCATION_SECOND_CONFIRMER: 'false' })).allocationSecondConfirmer).toBeUndefined();
  });

  it('refuses the runner’s own confirmation, says why and who may, and admits another finance person', () => {
    const m = proposedBy(on, CLAIRE);
    const refused = round.checkRoundAction(m, 'confirmAllocation', actor('claire.dawson'), { version: 1 });
    expect(refused).toMatchObject({ type: 'Forbidden', rule: 'four_eyes' });
    expect(refused!.message).toContain('ran allocation version 1, so may not confirm it: another finance person confirms it');
    expect(round.roundActionsFor(m, actor('claire.dawson'))).not.toContain('confirmAllocation');
    expect(round.checkRoundAction(m, 'confirmAllocation', actor('owen.hughes'), { version: 1 })).toBeNull();
    expect(round.roundActionsFor(m, actor('owen.hughes'))).toContain('confirmAllocation');
    // Still finance only: the rule adds a person, not a role.
    expect(round.checkRoundAction(m, 'confirmAllocation', actor('ian.thompson'), { version: 1 })).toMatchObject({ rule: 'role' });
  });

  it('lets any finance person confirm a version the service ran, and the runner when off', () => {
    expect(round.checkRoundAction(proposedBy(on, SYSTEM), 'confirmAllocation', actor('claire.dawson'), { version: 1 })).toBeNull();
    expect(round.checkRoundAction(proposedBy(lifecyclePolicy(loadConfig({})), CLAIRE), 'confirmAllocation', actor('claire.dawson'), { version: 1 })).toBeNull();
  });
});

async function openAndRun(ctx: TestContext, name: string) {
  const roundId = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-${name}`;
  const now = Date.now();
  const opened = await call(ctx, 'ian.thompson', 'POST', '/rounds', {
    roundId,
    title: `Round ${name}`,
    financialYear: '2026/27',
    envelopePence: 10_000_000,
    opensAt: new Date(now - 60_000).toISOString(),
    closesAt: new Date(now + 3_600_000).toISOString(),
  });
  expect(opened.status).toBe(201);
  const run = await call(ctx, 'claire.dawson', 'POST', `/rounds/${roundId}/allocate`, { reason: 'Closing review' });
  expect(run).toMatchObject({ status: 200, body: { state: 'PROPOSED', proposal: { version: 1 } } });
  return roundId;
}

describe('with ALLOCATION_SECOND_CONFIRMER=true, on the real worker', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ env: { ALLOCATION_SECOND_CONFIRMER: 'true' } });
  }, 120_000);
  afterAll(async () => ctx?.close());

  it('refuses the runner’s confirmation with 403 four_eyes, and takes a second finance person’s', async () => {
    const roundId = await openAndRun(ctx, 'four-eyes');
    expect((await call(ctx, 'claire.dawson', 'GET', `/rounds/${roundId}`)).body.allowedActions).not.toContain('confirmAllocation');
    expect((await call(ctx, 'owen.hughes', 'GET', `/rounds/${roundId}`)).body.allowedActions).toContain('confirmAllocation');

    const refused = await call(ctx, 'claire.dawson', 'POST', `/rounds/${roundId}/confirm`, { version: 1 });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'forbidden',
      details: { rule: 'four_eyes' },
      message: expect.stringContaining('Claire Dawson ran allocation version 1, so may not confirm it: another finance person confirms it'),
    });
    expect((await call(ctx, 'claire.dawson', 'GET', `/rounds/${roundId}`)).body.round.state).toBe('PROPOSED');

    const confirmed = await call(ctx, 'owen.hughes', 'POST', `/rounds/${roundId}/confirm`, { version: 1 });
    expect(confirmed).toMatchObject({ status: 200, body: { state: 'CONFIRMED' } });
    expect((await call(ctx, 'claire.dawson', 'GET', `/rounds/${roundId}`)).body.allocation).toMatchObject({ version: 1, confirmedBy: 'owen.hughes' });
    const trail = (await call(ctx, 'owen.hughes', 'GET', `/rounds/${roundId}/trail`)).body.events as { action: string; actorId: string }[];
    expect(trail.filter((e) => e.action.startsWith('allocation.')).map((e) => [e.action, e.actorId])).toEqual([
      ['allocation.proposed', 'claire.dawson'],
      ['allocation.confirmed', 'owen.hughes'],
    ]);
  });
});

describe('with ALLOCATION_SECOND_CONFIRMER off (the default), on the real worker', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  }, 120_000);
  afterAll(async () => ctx?.close());

  it('lets the runner confirm her own allocation, as before', async () => {
    const roundId = await openAndRun(ctx, 'one-pair');
    expect((await call(ctx, 'claire.dawson', 'GET', `/rounds/${roundId}`)).body.allowedActions).toContain('confirmAllocation');
    const confirmed = await call(ctx, 'claire.dawson', 'POST', `/rounds/${roundId}/confirm`, { version: 1 });
    expect(confirmed).toMatchObject({ status: 200, body: { state: 'CONFIRMED' } });
  });
});
