// An allocation re-derived for ICB finance: the recorded input run through the allocation again
// and compared byte for byte with the recorded result; each bid's benefit score in the input
// against the bid's recorded scores; and the round's trail events that announced and confirmed
// it against the recorded figures. Nothing here changes anything.
import { and, asc, eq, inArray } from 'drizzle-orm';
import { ApiError } from '../api/errors.js';
import { readStream } from '../activities/trail.js';
import type { Db } from '../db/client.js';
import { fundingRounds, roundAllocations, scores } from '../db/schema.js';
import { allocate, type AllocationInput, type AllocationResult } from '../domain/allocation.js';
import { applyOverrides, type Override } from '../domain/allocation-overrides.js';
import { canonicalJson, type StoredEvent } from '../domain/trail.js';
import { firstDifference, type Json } from '../rules/record.js';
import type { Actor } from '../shared.js';

export const ALLOCATION_CHECKS = ['rederivation', 'scores', 'trail'] as const;
export type AllocationCheck = (typeof ALLOCATION_CHECKS)[number];

export interface AllocationDifference {
  check: AllocationCheck;
  /** Where the two differ: a path into the result (result.ranking[3].outcome), the input, or a trail event. */
  path: string;
  recorded?: unknown;
  recomputed?: unknown;
  message: string;
}

export interface AllocationVerdict {
  roundId: string;
  version: number;
  financialYear: string;
  runAt: string;
  runBy: string;
  confirmedBy: string | null;
  match: boolean;
  /** The recorded input run again: its canonical JSON against the recorded result's. */
  rederivation: { match: boolean; recordedBytes: number; recomputedBytes: number };
  differences: AllocationDifference[];
}

type AllocationRow = typeof roundAllocations.$inferSelect;

const asJson = (value: unknown): Json => JSON.parse(canonicalJson(value)) as Json;

/** Checks one stored allocation against its own input, the bids' scores and the round's trail. */
export function checkAllocation(row: AllocationRow, scoresByReference: Map<string, Set<number>>, events: StoredEvent[]): AllocationVerdict {
  const differences: AllocationDifference[] = [];
  const add = (check: AllocationCheck, d: { path: string; recorded?: unknown; recomputed?: unknown } | null, message: string) => {
    if (d) differences.push({ check, path: d.path, ...('recorded' in d ? { recorded: d.recorded } : {}), ...('recomputed' in d ? { recomputed: d.recomputed } : {}), message });
  };
  const input = row.input as AllocationInput;
  const recordedText = canonicalJson(row.result);
  let recomputed: AllocationResult | null = null;
  let recomputedText = '';
  try {
    recomputed = allocate(input);
    recomputedText = canonicalJson(recomputed);
  } catch (error) {
    add('rederivation', { path: 'input' }, `The recorded input cannot be allocated again: ${(error as Error).message}`);
  }
  const rederived = recomputed !== null && recomputedText === recordedText;
  if (recomputed && !rederived) {
    add(
      'rederivation',
      firstDifference(asJson(row.result), asJson(recomputed), 'result') ?? { path: 'result' },
      'Running the allocation again on the recorded input does not give the recorded result (recorded: the stored result; recomputed: the re-run)',
    );
  }

  // Each bid entered the allocation with a benefit score one of its recorded scores gave it.
  (input.bids ?? []).forEach((bid, i) => {
    const known = scoresByReference.get(bid.reference);
    if (!known?.has(bid.benefitScore)) {
      add(
        'scores',
        { path: `input.bids[${i}].benefitScore`, recorded: bid.benefitScore, ...(known?.size ? { recomputed: [...known].sort((a, b) => a - b) } : {}) },
        known?.size ? `${bid.reference} entered the allocation with a benefit score none of its recorded scores gives` : `${bid.reference} entered the allocation with no recorded score`,
      );
    }
  });

  // The round's trail announced this run, and its confirmation, with these figures.
  // Against the recorded result: a re-run that differs from it is the rederivation check's to name.
  const expected = row.result as AllocationResult;
  const announced = events.find((e) => (e.action === 'allocation.proposed' || e.action === 'allocation.rerun') && (e.payload as { version?: number }).version === row.version);
  const figures = (from: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, (from[k] ?? null) as Json])) as Record<string, Json>;
  if (!announced) {
    add('trail', { path: 'allocation.proposed' }, `No allocation.proposed or allocation.rerun event on round ${row.roundId}'s trail announces version ${row.version}`);
  } else {
    const keys = ['funded', 'waitlisted', 'cutLine', 'envelopes', 'mustFundOverrun'];
    add(
      'trail',
      firstDifference(asJson(figures(announced.payload as Record<string, unknown>, keys)), asJson(figures(expected as unknown as Record<string, unknown>, keys)), `trail[${announced.seq}].payload`),
      `The trail event that announced version ${row.version} (seq ${announced.seq}) records other figures`,
    );
  }
  const confirmation = events.find((e) => e.action === 'allocation.confirmed' && (e.payload as { version?: number }).version === row.version);
  if (confirmation) {
    const keys = ['funded', 'waitlisted', 'envelopes'];
    // What was confirmed is the result with the overrides the confirmation names, taken together.
    const overrides = ((confirmation.payload as { overrides?: Override[] }).overrides ?? []).map((o) => ({ reference: o.reference, direction: o.direction, reason: o.reason, by: o.by }));
    let confirmedResult: Record<string, unknown> = expected as unknown as Record<string, unknown>;
    let refused: string | null = null;
    if (overrides.length) {
      try {
        confirmedResult = applyOverrides(expected, overrides) as unknown as Record<string, unknown>;
      } catch (error) {
        refused = (error as Error).message;
      }
    }
    if (refused) {
      add('trail', { path: `trail[${confirmation.seq}].payload.overrides` }, `The overrides confirmed with version ${row.version} (seq ${confirmation.seq}) cannot be applied to the recorded result: ${refused}`);
    } else {
      add(
        'trail',
        firstDifference(asJson(figures(confirmation.payload as Record<string, unknown>, keys)), asJson(figures(confirmedResult, keys)), `trail[${confirmation.seq}].payload`),
        `The trail event that confirmed version ${row.version} (seq ${confirmation.seq}) records other figures${overrides.length ? ' than the recorded result with its overrides' : ''}`,
      );
    }
  } else if (row.confirmedBy) {
    add('trail', { path: 'allocation.confirmed' }, `Version ${row.version} is recorded as confirmed by ${row.confirmedBy}, but no allocation.confirmed event on the trail says so`);
  }

  return {
    roundId: row.roundId,
    version: row.version,
    financialYear: input.financialYear,
    runAt: row.runAt.toISOString(),
    runBy: row.runBy,
    confirmedBy: row.confirmedBy,
    match: differences.length === 0,
    rederivation: { match: rederived, recordedBytes: Buffer.byteLength(recordedText), recomputedBytes: Buffer.byteLength(recomputedText) },
    differences,
  };
}

async function scoresOf(db: Db, references: string[]): Promise<Map<string, Set<number>>> {
  const out = new Map<string, Set<number>>();
  if (!references.length) return out;
  for (const s of await db.select({ reference: scores.reference, benefitScore: scores.benefitScore }).from(scores).where(inArray(scores.reference, references))) {
    const set = out.get(s.reference) ?? new Set<number>();
    set.add(s.benefitScore);
    out.set(s.reference, set);
  }
  return out;
}

export async function verifyAllocationRow(db: Db, row: AllocationRow): Promise<AllocationVerdict> {
  const input = row.input as AllocationInput;
  return checkAllocation(row, await scoresOf(db, (input.bids ?? []).map((b) => b.reference)), await readStream(db, row.roundId));
}

/** POST /rounds/{roundId}/allocations/{version}/verify: finance and the admin re-derive an allocation. */
export async function verifyRoundAllocation(db: Db, user: Actor, roundId: string, version: number): Promise<AllocationVerdict> {
  if (!user.roles.includes('finance') && !user.roles.includes('admin')) {
    throw new ApiError(403, 'forbidden', 'Only ICB finance and the admin verify allocations', { rule: 'role' });
  }
  const [round] = await db.select({ id: fundingRounds.id }).from(fundingRounds).where(eq(fundingRounds.id, roundId));
  if (!round) throw new ApiError(404, 'not_found', `Funding round ${roundId} was not found`);
  const [row] = await db.select().from(roundAllocations).where(and(eq(roundAllocations.roundId, roundId), eq(roundAllocations.version, version)));
  if (!row) throw new ApiError(404, 'not_found', `Funding round ${roundId} has no allocation version ${version}`);
  return verifyAllocationRow(db, row);
}

/** Every stored allocation (of one financial year's rounds), verified: for `npm run verify`, one at a time. */
export async function* verifyAllocations(db: Db, options: { financialYear?: string } = {}): AsyncGenerator<AllocationVerdict> {
  const keys = await db
    .select({ roundId: roundAllocations.roundId, version: roundAllocations.version })
    .from(roundAllocations)
    .innerJoin(fundingRounds, eq(fundingRounds.id, roundAllocations.roundId))
    .where(options.financialYear ? eq(fundingRounds.financialYear, options.financialYear) : undefined)
    .orderBy(asc(roundAllocations.roundId), asc(roundAllocations.version));
  for (const key of keys) {
    const [row] = await db.select().from(roundAllocations).where(and(eq(roundAllocations.roundId, key.roundId), eq(roundAllocations.version, key.version)));
    if (row) yield verifyAllocationRow(db, row);
  }
}
