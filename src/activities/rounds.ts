// Activities of a funding round: gather what it allocates (supported bids with costs in its
// year, their scores, and money earlier rounds committed), run the allocation, store its exact
// input and result, and record the round's trail and read model.
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { bidCosts, bids, fundingRounds, roundAllocations, bidDocument } from '../db/schema.js';
import { allocate, committedBy, type AllocationBid, type AllocationInput, type AllocationResult } from '../domain/allocation.js';
import { applyOverrides, OverrideError, OverrideRefusedError, type Override } from '../domain/allocation-overrides.js';
import type { TrailEventInput } from '../domain/trail.js';
import type { AllocationSummary, OverrideCheck, PersonRef, RoundState, RoundDefinition, SubEnvelopeInput } from '../shared.js';
import { appendEvents } from './trail.js';

export interface AllocationScope {
  roundId: string;
  financialYear: string;
  envelopePence: number;
  subEnvelopes: SubEnvelopeInput[];
  /** Bids withdrawn meanwhile, whose read model may lag behind. */
  exclude?: string[];
}

export interface Candidate extends AllocationBid {
  /** The rule set that gave the benefit score, and the score's stored event, for what-if runs. */
  scoreEventId: string | null;
}

async function costsOf(db: Db, references: string[]) {
  const lines = references.length ? await db.select().from(bidCosts).where(inArray(bidCosts.reference, references)) : [];
  const byReference = new Map<string, AllocationBid['costs'][number][]>();
  for (const { reference, ...line } of lines) byReference.set(reference, [...(byReference.get(reference) ?? []), line]);
  return byReference;
}

/**
 * What a round allocates: bids the Assembly (or Board) supported, in allocation or waitlisted
 * from an earlier round, with costs in the round's year and not held by another round; and
 * what bids already funded take from its envelopes in that year.
 */
export async function gatherAllocationInput(db: Db, scope: AllocationScope): Promise<{ input: AllocationInput; candidates: Candidate[] }> {
  // Held by another round only while that round's proposal stands: a round cancelled or confirmed
  // says so in its own record before it tells its bids, whose records may lag a moment behind.
  const heldElsewhere = sql`exists (select 1 from ${fundingRounds} where ${fundingRounds.id} = ${bidDocument} -> 'allocation' ->> 'roundId' and ${fundingRounds.id} <> ${scope.roundId} and ${fundingRounds.state} = 'PROPOSED' and (${bidDocument} -> 'allocation' -> 'provisional') is not null)`;
  const rows = await db
    .select()
    .from(bids)
    .where(
      and(
        inArray(bids.state, ['ALLOCATION', 'WAITLISTED']),
        sql`exists (select 1 from ${bidCosts} where ${bidCosts.reference} = ${bids.reference} and ${bidCosts.financialYear} = ${scope.financialYear})`,
        sql`not (${heldElsewhere})`,
        scope.exclude?.length ? notInArray(bids.reference, scope.exclude) : undefined,
      ),
    );
  const funded = await db
    .select()
    .from(bids)
    .where(and(eq(bids.state, 'FUNDED'), sql`exists (select 1 from ${bidCosts} where ${bidCosts.reference} = ${bids.reference} and ${bidCosts.financialYear} = ${scope.financialYear})`));
  const costs = await costsOf(db, [...rows, ...funded].map((r) => r.reference));
  const toBid = (row: typeof bids.$inferSelect): AllocationBid => ({
    reference: row.reference,
    title: row.title,
    benefitScore: row.benefitScore ?? 0,
    mustFund: row.mustFund,
    primaryAmbition: row.primaryAmbition,
    places: row.places,
    costs: costs.get(row.reference) ?? [],
  });
  const candidates: Candidate[] = rows.map((row) => ({
    ...toBid(row),
    scoreEventId: (((row.model ?? row.status) as { score?: { eventId?: string } }).score?.eventId) ?? null,
  }));
  const input: AllocationInput = {
    financialYear: scope.financialYear,
    envelopePence: scope.envelopePence,
    subEnvelopes: scope.subEnvelopes,
    committed: committedBy(scope.financialYear, scope.subEnvelopes, funded.map(toBid)),
    bids: candidates.map(({ scoreEventId: _score, ...bid }) => bid),
  };
  return { input, candidates };
}

export function summarise(result: AllocationResult, meta: { version: number; runAt: string; runBy: PersonRef; reason: string }): AllocationSummary {
  return {
    ...meta,
    places: result.ranking.map((r) => ({ reference: r.reference, outcome: r.outcome, rank: r.rank, reason: r.reason })),
    cutLine: result.cutLine,
    envelopes: result.envelopes,
    mustFundOverrun: result.mustFundOverrun,
  };
}

export interface RecordRoundEventsInput {
  roundId: string;
  events: TrailEventInput[];
  projection: { version: number; state: RoundState; status: Record<string, unknown>; updatedAt: string; input: Omit<RoundDefinition, 'createdBy' | 'roundId'> };
}

export function createRoundActivities({ db, config }: { db: Db; config: Pick<Config, 'TRAIL_SEAL_KEY'> }) {
  return {
    /** Runs the allocation and stores it; a retried attempt returns the stored run. */
    async proposeAllocation(
      scope: AllocationScope & { version: number; runBy: PersonRef; reason: string; runAt: string },
    ): Promise<AllocationSummary> {
      const meta = { version: scope.version, runAt: scope.runAt, runBy: scope.runBy, reason: scope.reason };
      const [stored] = await db
        .select()
        .from(roundAllocations)
        .where(and(eq(roundAllocations.roundId, scope.roundId), eq(roundAllocations.version, scope.version)));
      if (stored) return summarise(stored.result as AllocationResult, meta);
      const { input } = await gatherAllocationInput(db, scope);
      const result = allocate(input);
      await db
        .insert(roundAllocations)
        .values({ roundId: scope.roundId, version: scope.version, input, result, runBy: scope.runBy.id, reason: scope.reason, runAt: new Date(scope.runAt) })
        .onConflictDoNothing();
      return summarise(result, meta);
    },

    /**
     * The stored proposal with these overrides taken together (allocation-overrides.ts): its places
     * and envelopes, or the rule that refuses them — an envelope exceeded, or a must-fund bid waitlisted.
     */
    async checkOverrides({ roundId, version, overrides }: { roundId: string; version: number; overrides: Override[] }): Promise<OverrideCheck> {
      const [stored] = await db
        .select()
        .from(roundAllocations)
        .where(and(eq(roundAllocations.roundId, roundId), eq(roundAllocations.version, version)));
      if (!stored) return { ok: false, message: `Version ${version} of the allocation is not stored`, rule: 'version' };
      try {
        const applied = applyOverrides(stored.result as AllocationResult, overrides);
        return {
          ok: true,
          places: applied.bids.map((b) => ({ reference: b.reference, outcome: b.outcome, rank: b.rank, reason: b.reason })),
          envelopes: applied.envelopes.map(({ id, label, envelopePence, committedBeforePence, allocatedPence, leftPence }) => ({ id, label, envelopePence, committedBeforePence, allocatedPence, leftPence })),
        };
      } catch (error) {
        if (error instanceof OverrideRefusedError) return { ok: false, message: error.message, rule: 'envelope' };
        if (error instanceof OverrideError) return { ok: false, message: error.message, rule: error.problem === 'must-fund' ? 'must_fund' : 'override' };
        throw error;
      }
    },

    async confirmRoundAllocation({ roundId, version, confirmedBy, confirmedAt }: { roundId: string; version: number; confirmedBy: string; confirmedAt: string }): Promise<void> {
      await db
        .update(roundAllocations)
        .set({ confirmedBy, confirmedAt: new Date(confirmedAt) })
        .where(and(eq(roundAllocations.roundId, roundId), eq(roundAllocations.version, version)));
    },

    async recordRoundEvents({ roundId, events, projection }: RecordRoundEventsInput): Promise<void> {
      await db.transaction(async (tx) => {
        await appendEvents(tx, 'round', roundId, events, config.TRAIL_SEAL_KEY);
        const { input } = projection;
        const row = {
          title: input.title,
          financialYear: input.financialYear,
          envelopePence: input.envelopePence,
          subEnvelopes: input.subEnvelopes,
          opensAt: new Date(input.opensAt),
          closesAt: new Date(input.closesAt),
          state: projection.state,
          status: projection.status,
          updatedAt: new Date(projection.updatedAt),
          projectionVersion: projection.version,
        };
        await tx
          .insert(fundingRounds)
          .values({ id: roundId, ...row })
          .onConflictDoUpdate({ target: fundingRounds.id, set: row, setWhere: sql`${fundingRounds.projectionVersion} < excluded.projection_version` });
      });
    },
  };
}
