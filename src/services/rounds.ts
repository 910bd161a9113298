// Funding rounds for the API and the web pages: open one (its workflow), read it with its latest
// allocation, run, confirm or cancel it through the workflow, and what-if runs that change nothing.
import { elapsedMs } from '../config.js';
import { actionUpdateId, sendUpdate } from './updates.js';
import { acting, toActor } from './auth.js';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { ApiError } from '../api/errors.js';
import { refusalToApiError } from '../api/refusals.js';
import { gatherAllocationInput } from '../activities/rounds.js';
import { fundingRounds, roundAllocations, scores } from '../db/schema.js';
import { allocate, AllocationInputError, type AllocationResult } from '../domain/allocation.js';
import { loadRuleSet, scoreFacts, UnknownRuleSetError, type ScoringFacts } from '../rules/engine.js';
import { lifecyclePolicy } from '../config/policy.js';
import { roundActionsFor, roundStatusView, type RoundModel } from '../model/round.js';
import {
  ROUND_ACTIONS,
  roundAllowedActionsQuery,
  roundStatusQuery,
  roundWorkflowId,
  WORKFLOW_TYPES,
  type Actor,
  type RoundAction,
  type RoundStatus,
  type RoundDefinition,
  type RoundWorkflowInput,
  type SubEnvelopeInput,
} from '../shared.js';
import type { ServiceDeps } from './bids.js';
import { firstRecord } from './records.js';

const needRole = (user: Actor, action: string, ...roles: string[]) => {
  if (!roles.some((r) => user.roles.includes(r as never))) throw new ApiError(403, 'forbidden', `Only ${roles.join(' or ')} may ${action}`, { rule: 'role' });
};

/** What the admin gives to open a round: the workflow's input, its id optional. */
export type RoundCreate = Omit<RoundDefinition, 'createdBy' | 'roundId'> & { roundId?: string };

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);

/** Checks the envelopes as allocation will, so a round never opens with input it would refuse. */
function checkEnvelopes(round: Pick<RoundCreate, 'financialYear' | 'envelopePence' | 'subEnvelopes'>): void {
  try {
    allocate({ financialYear: round.financialYear, envelopePence: round.envelopePence, subEnvelopes: round.subEnvelopes, committed: { totalPence: 0, bySubEnvelope: {} }, bids: [] });
  } catch (error) {
    if (error instanceof AllocationInputError) {
      throw new ApiError(400, 'validation_failed', `The request is not valid: ${error.field}`, [{ field: error.field, rule: 'allocation', message: error.problem }]);
    }
    throw error;
  }
}

export async function openRound(deps: ServiceDeps, user: Actor, round: RoundCreate): Promise<RoundStatus> {
  needRole(user, 'open a funding round', 'admin');
  checkEnvelopes(round);
  if (Date.parse(round.closesAt) <= Date.parse(round.opensAt)) {
    throw new ApiError(400, 'validation_failed', 'The request is not valid: closesAt', [{ field: 'closesAt', rule: 'after_opening', message: 'must be after opensAt' }]);
  }
  const roundId = round.roundId ?? `${round.financialYear.replace('/', '-')}-${slug(round.title)}`;
  const input: RoundWorkflowInput = { version: 2, start: { ...round, roundId, createdBy: toActor(user), policy: lifecyclePolicy(deps.config) } };
  try {
    await deps.temporal.client.connection.withDeadline(Date.now() + elapsedMs(deps.config.DEPENDENCY_TIMEOUT), () => deps.temporal.client.workflow.start(WORKFLOW_TYPES.round, {
      workflowId: roundWorkflowId(roundId),
      taskQueue: deps.temporal.taskQueue,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    }));
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw new ApiError(409, 'round_exists', `Funding round ${roundId} exists already`);
    throw error;
  }
  // Answer once the workflow has recorded itself, so a list shows the round at once.
  const recorded = await firstRecord(async () => (await deps.db.select({ model: fundingRounds.model, status: fundingRounds.status }).from(fundingRounds).where(eq(fundingRounds.id, roundId)))[0]);
  return recorded ? roundStatusOf(recorded) : deps.temporal.client.workflow.getHandle(roundWorkflowId(roundId)).query(roundStatusQuery);
}

/** The round as people see it: from its workflow's model, or as a first-version workflow reported it. */
export function roundStatusOf(row: { model: unknown; status: unknown }): RoundStatus {
  return row.model ? roundStatusView(row.model as RoundModel) : (row.status as RoundStatus);
}

export async function listRounds(deps: ServiceDeps, user: Actor) {
  needRole(user, 'see funding rounds', 'finance', 'admin');
  const rows = await deps.db.select().from(fundingRounds).orderBy(desc(fundingRounds.opensAt));
  return rows.map((r) => ({
    roundId: r.id,
    title: r.title,
    financialYear: r.financialYear,
    envelopePence: r.envelopePence,
    state: r.state,
    opensAt: r.opensAt.toISOString(),
    closesAt: r.closesAt.toISOString(),
  }));
}

async function latestAllocation(deps: ServiceDeps, roundId: string) {
  const [row] = await deps.db.select().from(roundAllocations).where(eq(roundAllocations.roundId, roundId)).orderBy(desc(roundAllocations.version)).limit(1);
  return row;
}

export async function getRound(deps: ServiceDeps, user: Actor, roundId: string) {
  needRole(user, 'see funding rounds', 'finance', 'admin');
  const [row] = await deps.db.select().from(fundingRounds).where(eq(fundingRounds.id, roundId));
  if (!row) throw new ApiError(404, 'not_found', `Funding round ${roundId} was not found`);
  const latest = await latestAllocation(deps, roundId);
  let allowedActions: RoundAction[] = [];
  if (row.model) allowedActions = roundActionsFor(row.model as RoundModel, user);
  else {
    try {
      allowedActions = await deps.temporal.client.workflow.getHandle(roundWorkflowId(roundId)).query(roundAllowedActionsQuery, user);
    } catch {
      allowedActions = [];
    }
  }
  return {
    round: roundStatusOf(row),
    allocation: latest ? { version: latest.version, result: latest.result as AllocationResult, runAt: latest.runAt.toISOString(), runBy: latest.runBy, reason: latest.reason, confirmedBy: latest.confirmedBy, confirmedAt: latest.confirmedAt?.toISOString() ?? null } : null,
    allowedActions: allowedActions.filter((a) => ROUND_ACTIONS.includes(a)),
  };
}

/** Runs an action through the round's workflow, and answers with the round as recorded. */
export async function runRoundAction<Ret, Args>(deps: ServiceDeps, roundId: string, definition: UpdateDefinition<Ret, [Args]>, args: Args): Promise<RoundStatus> {
  try {
    const actor = (args as { actor?: Actor }).actor;
    const updateId = actor ? await actionUpdateId(deps.db, actor.id, `round:${roundId}`, definition.name, args) : undefined;
    await sendUpdate(deps.temporal.client.workflow.getHandle(roundWorkflowId(roundId)), definition, acting(args), { updateId, timeoutMs: elapsedMs(deps.config.ACTION_TIMEOUT) });
  } catch (error) {
    throw refusalToApiError(error, `Funding round ${roundId}`);
  }
  const [row] = await deps.db.select({ model: fundingRounds.model, status: fundingRounds.status }).from(fundingRounds).where(eq(fundingRounds.id, roundId));
  return roundStatusOf(row!);
}

export interface WhatIfSettings {
  envelopePence?: number;
  subEnvelopes?: SubEnvelopeInput[];
  /** Score every bid again with this rule set version, from its stored facts. */
  ruleSet?: { id: string; version: string };
}

export interface WhatIfDifference {
  reference: string;
  before: { outcome: string; rank: number } | null;
  after: { outcome: string; rank: number } | null;
}

/**
 * The round's allocation under other settings, compared with its latest proposal (or, before
 * any, with its own settings). Reads only: it stores, signals and records nothing.
 */
export async function whatIf(deps: ServiceDeps, user: Actor, roundId: string, settings: WhatIfSettings) {
  needRole(user, 'run a what-if', 'finance', 'admin');
  const [row] = await deps.db.select().from(fundingRounds).where(eq(fundingRounds.id, roundId));
  if (!row) throw new ApiError(404, 'not_found', `Funding round ${roundId} was not found`);
  const round = roundStatusOf(row);
  const scope = { roundId, financialYear: round.financialYear, envelopePence: round.envelopePence, subEnvelopes: round.subEnvelopes };
  const { input, candidates } = await gatherAllocationInput(deps.db, scope);

  const latest = await latestAllocation(deps, roundId);
  const baseline = latest ? (latest.result as AllocationResult) : allocate(input);
  const baselineName = latest ? `proposal version ${latest.version}` : "the round's own settings";

  let bids = input.bids;
  if (settings.ruleSet) {
    let ruleSet;
    try {
      ruleSet = loadRuleSet(settings.ruleSet.id, settings.ruleSet.version);
    } catch (error) {
      if (error instanceof UnknownRuleSetError) throw new ApiError(404, 'not_found', error.message);
      throw error;
    }
    const eventIds = candidates.map((c) => c.scoreEventId).filter((id): id is string => !!id);
    const stored = eventIds.length ? await deps.db.select().from(scores).where(inArray(scores.eventId, eventIds)) : [];
    const rescored = new Map<string, { benefitScore: number; mustFund: boolean }>();
    for (const s of stored) {
      const result = await scoreFacts(ruleSet, s.facts as ScoringFacts);
      rescored.set(s.reference, { benefitScore: result.benefitScore, mustFund: result.flags.mustFund });
    }
    bids = bids.map((b) => ({ ...b, ...rescored.get(b.reference) }));
  }
  const subEnvelopes = settings.subEnvelopes ?? input.subEnvelopes;
  const what = { ...input, bids, envelopePence: settings.envelopePence ?? input.envelopePence, subEnvelopes };
  if (settings.subEnvelopes) {
    // Commitments are by sub-envelope id; carry them over for ids the new set keeps.
    what.committed = { totalPence: input.committed.totalPence, bySubEnvelope: Object.fromEntries(Object.entries(input.committed.bySubEnvelope).filter(([id]) => subEnvelopes.some((s) => s.id === id))) };
  }
  let result: AllocationResult;
  try {
    result = allocate(what);
  } catch (error) {
    if (error instanceof AllocationInputError) {
      throw new ApiError(400, 'validation_failed', `The request is not valid: ${error.field}`, [{ field: error.field, rule: 'allocation', message: error.problem }]);
    }
    throw error;
  }

  const place = (r: AllocationResult, ref: string) => {
    const found = r.ranking.find((x) => x.reference === ref);
    return found ? { outcome: found.outcome, rank: found.rank } : null;
  };
  const references = [...new Set([...baseline.ranking, ...result.ranking].map((r) => r.reference))].sort();
  const differences: WhatIfDifference[] = references
    .map((reference) => ({ reference, before: place(baseline, reference), after: place(result, reference) }))
    .filter((d) => d.before?.outcome !== d.after?.outcome || d.before?.rank !== d.after?.rank);
  const fundedPence = (r: AllocationResult) => r.envelopes.find((e) => e.id === 'overall')?.allocatedPence ?? 0;
  return {
    settings: { envelopePence: what.envelopePence, subEnvelopes, ruleSet: settings.ruleSet ?? null },
    comparedWith: baselineName,
    result,
    summary: {
      fundedBefore: baseline.funded.length,
      fundedAfter: result.funded.length,
      allocatedBeforePence: fundedPence(baseline),
      allocatedAfterPence: fundedPence(result),
      cutLineBefore: baseline.cutLine,
      cutLineAfter: result.cutLine,
      newlyFunded: result.funded.filter((r) => !baseline.funded.includes(r)),
      noLongerFunded: baseline.funded.filter((r) => !result.funded.includes(r)),
    },
    differences,
  };
}

/** Each confirmed round's envelopes: the money committed against each, and what is left. */
export async function committedAgainstEnvelopes(deps: ServiceDeps, financialYear?: string) {
  const rounds = await deps.db.select().from(fundingRounds).where(and(eq(fundingRounds.state, 'CONFIRMED'), financialYear ? eq(fundingRounds.financialYear, financialYear) : undefined));
  const out = [];
  for (const round of rounds) {
    const status = roundStatusOf(round);
    if (!status.confirmed) continue;
    const [row] = await deps.db
      .select()
      .from(roundAllocations)
      .where(and(eq(roundAllocations.roundId, round.id), eq(roundAllocations.version, status.confirmed.version)));
    if (!row) continue;
    const result = row.result as AllocationResult;
    out.push({
      roundId: round.id,
      title: round.title,
      financialYear: round.financialYear,
      confirmedAt: status.confirmed.at,
      envelopes: result.envelopes.map((e) => ({ ...e, committedPence: e.committedBeforePence + e.allocatedPence })),
    });
  }
  return out;
}
