// Overrides: people deciding against the allocation, on the record. applyOverrides takes an
// allocation result and the overrides recorded against it — fund this waitlisted bid, waitlist
// that funded one, each with a reason and who decided — and returns the allocation as overridden,
// or refuses. Pure and deterministic.
//
// The rules:
//  - A must-fund bid cannot be waitlisted: it has a statutory mandate.
//  - The overrides are taken together, as a set: the result does not depend on their order. Each
//    reference may be overridden once; an override that asks for what the allocation already did
//    is kept on the record, marked as changing nothing.
//  - No envelope may be exceeded. An envelope may hold what the must-fund bids take beyond its
//    money, as allocation itself reports (mustFundOverrun), but nothing more: after the overrides,
//    what the funded bids draw on each envelope must be at most the larger of the money it had
//    left before the round and what its must-fund bids draw on it. The first envelope that would
//    be exceeded (overall first, then the sub-envelopes in the allocation's order) is named in an
//    OverrideRefusedError with its shortfall and the fund overrides that draw on it. The greedy
//    allocation always meets this rule, so waitlisting alone can never be refused for money.
import { OVERALL_ENVELOPE_ID, type AllocationOutcome, type AllocationResult, type EnvelopeStatement } from './allocation.js';
import { formatPence, moneyAtStart, mustFundDraws } from './allocation-model.js';

export type OverrideDirection = 'fund' | 'waitlist';

export interface Override {
  readonly reference: string;
  readonly direction: OverrideDirection;
  readonly reason: string;
  /** Who decided: a user id or name, as the caller records people. */
  readonly by: string;
}

export interface OverriddenBid {
  readonly reference: string;
  readonly rank: number;
  readonly mustFund: boolean;
  /** What the allocation decided. */
  readonly allocated: AllocationOutcome;
  /** What stands after the overrides. */
  readonly outcome: AllocationOutcome;
  readonly override: Override | null;
  /** The allocation's reason, or the override's. */
  readonly reason: string;
}

export interface AppliedOverride extends Override {
  /** False when the allocation had already decided the same. */
  readonly changed: boolean;
}

export interface OverriddenAllocation {
  readonly financialYear: string;
  /** References in rank order. */
  readonly funded: readonly string[];
  readonly waitlisted: readonly string[];
  readonly bids: readonly OverriddenBid[];
  /** As the allocation's statements, with what the overridden set draws. */
  readonly envelopes: readonly EnvelopeStatement[];
  /** In the order given. */
  readonly overrides: readonly AppliedOverride[];
}

export type OverrideProblem = 'unknown-bid' | 'duplicate' | 'incomplete' | 'must-fund';

/** An override that is not well formed, names no bid of the round, or would waitlist a must-fund bid. */
export class OverrideError extends Error {
  constructor(
    readonly problem: OverrideProblem,
    readonly reference: string,
    message: string,
  ) {
    super(message);
    this.name = 'OverrideError';
  }
}

/** The overrides would take an envelope past its money. */
export class OverrideRefusedError extends Error {
  constructor(
    readonly envelopeId: string,
    readonly envelopeLabel: string,
    /** How far the overridden allocation would exceed the envelope. */
    readonly shortfallPence: number,
    /** The fund overrides that draw on it, in rank order. */
    readonly references: readonly string[],
  ) {
    super(
      `Refused: funding ${references.join(', ')} would exceed ${envelopeId === OVERALL_ENVELOPE_ID ? 'the envelope' : `the ${envelopeLabel} sub-envelope`} by ${formatPence(shortfallPence)}`,
    );
    this.name = 'OverrideRefusedError';
  }
}

export function applyOverrides(result: AllocationResult, overrides: readonly Override[]): OverriddenAllocation {
  const byReference = new Map<string, Override>();
  for (const o of overrides) {
    const entry = result.ranking.find((r) => r.reference === o.reference);
    if (!entry) throw new OverrideError('unknown-bid', o.reference, `${o.reference} is not a bid of this allocation`);
    if (o.direction !== 'fund' && o.direction !== 'waitlist') throw new OverrideError('incomplete', o.reference, `${o.reference}: an override must fund or waitlist`);
    if (typeof o.reason !== 'string' || o.reason.trim() === '') throw new OverrideError('incomplete', o.reference, `${o.reference}: an override must give its reason`);
    if (typeof o.by !== 'string' || o.by.trim() === '') throw new OverrideError('incomplete', o.reference, `${o.reference}: an override must say who decided`);
    if (byReference.has(o.reference)) throw new OverrideError('duplicate', o.reference, `${o.reference} is overridden more than once`);
    if (entry.mustFund && o.direction === 'waitlist') {
      throw new OverrideError('must-fund', o.reference, `${o.reference} is must-fund (statutory mandate) and cannot be waitlisted`);
    }
    byReference.set(o.reference, o);
  }

  const bids = result.ranking.map((entry): OverriddenBid => {
    const o = byReference.get(entry.reference) ?? null;
    const outcome: AllocationOutcome = o === null ? entry.outcome : o.direction === 'fund' ? 'funded' : 'waitlisted';
    const reason =
      o === null || outcome === entry.outcome
        ? entry.reason
        : `${outcome === 'funded' ? 'Funded' : 'Waitlisted'} by override (${o.by}: ${o.reason}); the allocation had ${entry.outcome === 'funded' ? 'funded' : 'waitlisted'} it`;
    return { reference: entry.reference, rank: entry.rank, mustFund: entry.mustFund, allocated: entry.outcome, outcome, override: o, reason };
  });

  const money = moneyAtStart(result);
  const mustFund = mustFundDraws(result);
  const funded = result.ranking.filter((_, i) => bids[i]?.outcome === 'funded');
  const envelopes = result.envelopes.map((e): EnvelopeStatement => {
    const allocatedPence = funded.reduce((sum, r) => sum + (r.draws[e.id] ?? 0), 0);
    return { ...e, allocatedPence, leftPence: e.envelopePence - e.committedBeforePence - allocatedPence };
  });
  for (const e of envelopes) {
    const allowed = Math.max(money.get(e.id) ?? 0, mustFund.get(e.id) ?? 0);
    if (e.allocatedPence > allowed) {
      const references = funded
        .filter((r) => r.outcome === 'waitlisted' && (r.draws[e.id] ?? 0) > 0)
        .map((r) => r.reference);
      throw new OverrideRefusedError(e.id, e.label, e.allocatedPence - allowed, references);
    }
  }

  return {
    financialYear: result.financialYear,
    funded: bids.filter((b) => b.outcome === 'funded').map((b) => b.reference),
    waitlisted: bids.filter((b) => b.outcome === 'waitlisted').map((b) => b.reference),
    bids,
    envelopes,
    overrides: overrides.map((o) => ({ ...o, changed: result.ranking.find((r) => r.reference === o.reference)?.outcome !== (o.direction === 'fund' ? 'funded' : 'waitlisted') })),
  };
}
