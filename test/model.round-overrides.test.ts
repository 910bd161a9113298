// Overrides in the round's action table, without Temporal: who may make one (OVERRIDE_ROLES as the
// round opened with them, finance for rounds opened before), on which proposal, once per bid, with
// a reason; and the override recorded as its own event, the bid told its new place.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { lifecyclePolicy } from '../src/config/policy.js';
import * as round from '../src/model/round.js';
import type { AllocationSummary, PolicySnapshot } from '../src/shared.js';
import { actor } from './helpers/lifecycle.js';

const AT = '2026-12-02T10:00:00.000Z';
const summary: AllocationSummary = {
  version: 1,
  runAt: AT,
  runBy: { id: 'claire.dawson', name: 'Claire Dawson', organisation: 'NWICB' },
  reason: 'run',
  places: [
    { reference: 'A', outcome: 'funded', rank: 1, reason: 'fits' },
    { reference: 'B', outcome: 'waitlisted', rank: 2, reason: 'does not fit' },
  ],
  cutLine: null,
  envelopes: [],
  mustFundOverrun: null,
};

function proposed(policy: PolicySnapshot) {
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
  return round.allocationRun(round.runAsked(r0, summary.runBy, 'run').model, summary).model;
}

const fundB = { version: 1, reference: 'B', direction: 'fund' as const, reason: 'Urgent' };

describe('overriding a round’s allocation', () => {
  it('is for the configured roles only, and finance in a round opened before overrides', () => {
    const chairs = proposed(lifecyclePolicy(loadConfig({ OVERRIDE_ROLES: 'assembly_chair' })));
    expect(round.checkRoundAction(chairs, 'overrideAllocation', actor('sarah.collins'), fundB)).toBeNull();
    expect(round.checkRoundAction(chairs, 'overrideAllocation', actor('claire.dawson'), fundB)).toMatchObject({ type: 'Forbidden', rule: 'role' });
    expect(round.roundActionsFor(chairs, actor('sarah.collins'))).toEqual(['overrideAllocation']);

    const { overrideRoles: _none, ...before } = lifecyclePolicy(loadConfig({}));
    const older = proposed(before);
    expect(round.checkRoundAction(older, 'overrideAllocation', actor('claire.dawson'), fundB)).toBeNull();
    expect(round.checkRoundAction(older, 'overrideAllocation', actor('ian.thompson'), fundB)).toMatchObject({ rule: 'role' });
  });

  it('needs the standing version, a bid of it, a reason, and a change', () => {
    const m = proposed(lifecyclePolicy(loadConfig({})));
    const claire = actor('claire.dawson');
    expect(round.checkRoundAction(m, 'overrideAllocation', claire, { ...fundB, version: 2 })).toMatchObject({ rule: 'version' });
    expect(round.checkRoundAction(m, 'overrideAllocation', claire, { ...fundB, reference: 'Z' })).toMatchObject({ rule: 'reference' });
    expect(round.checkRoundAction(m, 'overrideAllocation', claire, { ...fundB, reason: ' ' })).toMatchObject({ rule: 'reason' });
    expect(round.checkRoundAction(m, 'overrideAllocation', claire, { ...fundB, reference: 'A' })).toMatchObject({ rule: 'changes_nothing' });
  });

  it('records the override as its own event with reason and who, tells the bid, and a new run starts without it', () => {
    const m = proposed(lifecyclePolicy(loadConfig({})));
    const places = [
      { reference: 'A', outcome: 'funded' as const, rank: 1, reason: 'fits' },
      { reference: 'B', outcome: 'funded' as const, rank: 2, reason: 'Funded by override (Claire Dawson: Urgent)' },
    ];
    const s = round.overridden(m, actor('claire.dawson'), fundB, { ok: true, places, envelopes: [] }, AT);
    expect(s.events).toHaveLength(1);
    expect(s.events[0]).toMatchObject({ action: 'allocation.overridden', role: 'finance', by: { id: 'claire.dawson' }, payload: { reference: 'B', allocated: 'waitlisted', outcome: 'funded', reason: 'Urgent' } });
    expect(s.effects).toEqual([expect.objectContaining({ workflowId: 'bid-B', signal: 'allocationProposed' })]);
    expect(round.roundStatusView(s.model).overrides).toHaveLength(1);
    expect(round.checkRoundAction(s.model, 'overrideAllocation', actor('claire.dawson'), fundB)).toMatchObject({ rule: 'once_per_bid' });

    const rerun = round.allocationRun(round.runAsked(s.model, summary.runBy, 'again').model, { ...summary, version: 2 }).model;
    expect(round.roundStatusView(rerun).overrides).toBeUndefined();
  });
});
