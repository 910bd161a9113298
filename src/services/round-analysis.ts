// A round's allocation explained, for the API and the round page: what it would take to fund each
// waitlisted bid, the optimum beside the greedy rule, and how robust each decision is when the
// weights vary. Each reads the exact input the latest proposal was run on (round_allocations), so
// the answer can be re-derived from the record; all of them change nothing.
import { desc, eq, inArray } from 'drizzle-orm';
import { ApiError } from '../api/errors.js';
import { gatherAllocationInput } from '../activities/rounds.js';
import { fundingRounds, roundAllocations, scores } from '../db/schema.js';
import { allocate, type AllocationInput, type AllocationResult } from '../domain/allocation.js';
import { whatItWouldTake, type WhatItWouldTake } from '../domain/allocation-explain.js';
import { scoreHundredths } from '../domain/allocation-model.js';
import { findOptimum, type AllocationOptimum } from '../domain/allocation-optimum.js';
import { sensitivity, SensitivityInputError, type SensitivityBid, type SensitivityResult } from '../domain/allocation-sensitivity.js';
import type { CriterionScore } from '../rules/engine.js';
import type { Actor } from '../shared.js';
import type { ServiceDeps } from './bids.js';
import { roundStatusOf } from './rounds.js';

/** Which allocation an analysis is of: a stored proposal, or the round's settings before any. */
export interface AnalysisBasis {
  roundId: string;
  /** The proposal's version; null before the first run, when the bids as they stand now are used. */
  version: number | null;
  runAt: string | null;
}

const needRole = (user: Actor, action: string) => {
  if (!user.roles.includes('finance') && !user.roles.includes('admin')) throw new ApiError(403, 'forbidden', `Only finance or admin may ${action}`, { rule: 'role' });
};

/** The latest proposal's exact input and result, or (before any run) the bids as they stand. */
export async function analysisInput(deps: ServiceDeps, user: Actor, roundId: string, what: string): Promise<{ basis: AnalysisBasis; input: AllocationInput; result: AllocationResult }> {
  needRole(user, what);
  const [row] = await deps.db.select().from(fundingRounds).where(eq(fundingRounds.id, roundId));
  if (!row) throw new ApiError(404, 'not_found', `Funding round ${roundId} was not found`);
  const [latest] = await deps.db.select().from(roundAllocations).where(eq(roundAllocations.roundId, roundId)).orderBy(desc(roundAllocations.version)).limit(1);
  if (latest) {
    return { basis: { roundId, version: latest.version, runAt: latest.runAt.toISOString() }, input: latest.input as AllocationInput, result: latest.result as AllocationResult };
  }
  const round = roundStatusOf(row);
  const { input } = await gatherAllocationInput(deps.db, { roundId, financialYear: round.financialYear, envelopePence: round.envelopePence, subEnvelopes: round.subEnvelopes });
  return { basis: { roundId, version: null, runAt: null }, input, result: allocate(input) };
}

type Analysed = { basis: AnalysisBasis; input: AllocationInput };

export async function roundWhatItWouldTake(deps: ServiceDeps, user: Actor, roundId: string): Promise<{ basis: AnalysisBasis } & WhatItWouldTake> {
  return explainOf(await analysisInput(deps, user, roundId, 'see what it would take'));
}
const explainOf = ({ basis, input }: Analysed) => ({ basis, ...whatItWouldTake(input) });

export async function roundOptimum(deps: ServiceDeps, user: Actor, roundId: string): Promise<{ basis: AnalysisBasis } & AllocationOptimum> {
  return optimumOf(await analysisInput(deps, user, roundId, 'see the optimum'));
}
const optimumOf = async ({ basis, input }: Analysed) => ({ basis, ...(await findOptimum(input, { timeLimitSeconds: 30 })) });

export interface SensitivitySettings {
  spreadPercent: number;
  samples: number;
  /** Omitted: the round's own seed (seedFor), so the same question gives the same answer. */
  seed?: number;
}

/** FNV-1a of the round and version: a seed anyone can recompute from the trail. */
export function seedFor(basis: AnalysisBasis): number {
  let hash = 0x811c9dc5;
  for (const char of `${basis.roundId}@${basis.version ?? 0}`) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export async function roundSensitivity(deps: ServiceDeps, user: Actor, roundId: string, settings: SensitivitySettings): Promise<{ basis: AnalysisBasis } & SensitivityResult> {
  return sensitivityOf(deps, await analysisInput(deps, user, roundId, 'see the sensitivity of the allocation'), settings);
}

async function sensitivityOf(deps: ServiceDeps, { basis, input }: Analysed, settings: SensitivitySettings): Promise<{ basis: AnalysisBasis } & SensitivityResult> {
  const references = input.bids.map((b) => b.reference);
  const rows = references.length ? await deps.db.select().from(scores).where(inArray(scores.reference, references)).orderBy(desc(scores.scoredAt)) : [];
  // The score each bid was allocated on: its latest score record with that benefit score.
  const bids: SensitivityBid[] = input.bids.map((bid) => {
    const row = rows.find((s) => s.reference === bid.reference && scoreHundredths(s.benefitScore) === scoreHundredths(bid.benefitScore));
    if (!row) throw new ApiError(409, 'wrong_state', `${bid.reference} has no recorded score of ${bid.benefitScore} to vary the weights of`);
    const criteria = (row.result as { criteria: CriterionScore[] }).criteria.map(({ id, weight, applicable, score }) => ({ id, weight, applicable, score }));
    return { ...bid, criteria };
  });
  const seed = settings.seed ?? seedFor(basis);
  try {
    return { basis, ...sensitivity({ ...input, bids }, { spreadPercent: settings.spreadPercent, samples: settings.samples, seed }) };
  } catch (error) {
    if (error instanceof SensitivityInputError) {
      throw new ApiError(400, 'validation_failed', `The request is not valid: ${error.field}`, [{ field: error.field, rule: 'sensitivity', message: error.problem }]);
    }
    throw error;
  }
}

type RoundAnalysis = {
  explain: Awaited<ReturnType<typeof roundWhatItWouldTake>>;
  optimum: Awaited<ReturnType<typeof roundOptimum>>;
  sensitivity: Awaited<ReturnType<typeof roundSensitivity>>;
};

/**
 * A stored proposal's input never changes, so neither does its analysis: kept per round and
 * version (a new proposal is a new version), so the round page computes the optimum and the
 * rest once per proposal rather than on every view. The newest few are kept, in this process.
 */
const analyses = new Map<string, Promise<RoundAnalysis>>();
const KEPT_ANALYSES = 32;

/** All three for the round page; the sensitivity with a modest sample so the page stays quick. */
export async function roundAnalysis(deps: ServiceDeps, user: Actor, roundId: string): Promise<RoundAnalysis> {
  // Read once: all three answer of the same proposal, the one the analysis is kept under.
  const analysed = await analysisInput(deps, user, roundId, 'see the analysis of the allocation');
  const { basis } = analysed;
  const compute = async (): Promise<RoundAnalysis> => {
    const [optimum, robust] = await Promise.all([optimumOf(analysed), sensitivityOf(deps, analysed, { spreadPercent: 10, samples: 500 })]);
    return { explain: explainOf(analysed), optimum, sensitivity: robust };
  };
  if (basis.version === null) return compute();
  const key = `${roundId}@${basis.version}`;
  let found = analyses.get(key);
  if (!found) {
    found = compute();
    analyses.set(key, found);
    found.catch(() => analyses.delete(key));
    while (analyses.size > KEPT_ANALYSES) analyses.delete(analyses.keys().next().value!);
  }
  return found;
}
