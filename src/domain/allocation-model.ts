// What the allocation analyses (allocation-explain, -optimum, -sensitivity, -overrides) share: a
// second, exported reading of allocation.ts's rules — a bid's costs and draws, the ranking order,
// the money each envelope starts with — for code that has to reason about allocate() without
// running it. Every analysis still checks its conclusions by running allocate() itself, so a
// drift between this file and allocation.ts shows up as a thrown error, not as a wrong answer.
import {
  formatPence,
  OVERALL_ENVELOPE_ID,
  type AllocationBid,
  type AllocationInput,
  type AllocationResult,
  type RankedBid,
} from './allocation.js';

/** Hundredths of a point, exactly: scores carry at most two decimal places (allocation.ts checks). */
export function scoreHundredths(score: number): number {
  return Math.round(score * 100);
}

/** 6327 → "63.27", 6000 → "60.00". */
export function formatHundredths(hundredths: number): string {
  const sign = hundredths < 0 ? '-' : '';
  const magnitude = Math.abs(hundredths);
  return `${sign}${Math.floor(magnitude / 100)}.${String(magnitude % 100).padStart(2, '0')}`;
}

export { formatPence };

export function roundCostOf(bid: AllocationBid, financialYear: string): number {
  let pence = 0;
  for (const line of bid.costs) if (line.financialYear === financialYear) pence += line.recurrentPence + line.nonRecurrentPence;
  return pence;
}

export function totalCostOf(bid: AllocationBid): number {
  let pence = 0;
  for (const line of bid.costs) pence += line.recurrentPence + line.nonRecurrentPence;
  return pence;
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One envelope a bid draws on, and how its draw follows from the bid's round cost. */
export interface DrawRule {
  readonly envelopeId: string;
  /** The overall envelope and an ambition's take the round cost in full; a place takes its share. */
  readonly kind: 'overall' | 'ambition' | 'place';
  /** For a place: the place's index among ALL the bid's places in code-unit order, and how many there are. */
  readonly placeIndex: number;
  readonly placeCount: number;
}

/**
 * The envelopes a bid draws on, in allocation.ts's order (overall, ambition, places in code-unit
 * order). Which envelopes they are does not depend on the cost: a bid drawing £0 still draws on them.
 */
export function drawRulesOf(input: AllocationInput, bid: AllocationBid): DrawRule[] {
  const rules: DrawRule[] = [{ envelopeId: OVERALL_ENVELOPE_ID, kind: 'overall', placeIndex: 0, placeCount: 1 }];
  const ambition = input.subEnvelopes.find((sub) => sub.dimension === 'ambition' && sub.key === bid.primaryAmbition);
  if (ambition) rules.push({ envelopeId: ambition.id, kind: 'ambition', placeIndex: 0, placeCount: 1 });
  const places = [...bid.places].sort(compareCodeUnits);
  places.forEach((place, placeIndex) => {
    const sub = input.subEnvelopes.find((s) => s.dimension === 'place' && s.key === place);
    if (sub) rules.push({ envelopeId: sub.id, kind: 'place', placeIndex, placeCount: places.length });
  });
  return rules;
}

/**
 * What a bid with this round cost draws on the envelope: all of it, or a place's share — the
 * cost dealt out a penny at a time over the places in order, so the first (cost mod n) places
 * get one penny more. The share never falls when the cost rises.
 */
export function drawOf(rule: DrawRule, roundCostPence: number): number {
  if (rule.kind !== 'place') return roundCostPence;
  const odd = roundCostPence % rule.placeCount;
  return (roundCostPence - odd) / rule.placeCount + (rule.placeIndex < odd ? 1 : 0);
}

/** What allocation.ts orders bids by. */
export interface RankKey {
  readonly reference: string;
  readonly mustFund: boolean;
  readonly scoreHundredths: number;
  readonly totalCostPence: number;
}

export function rankKeyOf(entry: Pick<RankedBid, 'reference' | 'mustFund' | 'benefitScore' | 'totalCostPence'>): RankKey {
  return { reference: entry.reference, mustFund: entry.mustFund, scoreHundredths: scoreHundredths(entry.benefitScore), totalCostPence: entry.totalCostPence };
}

/**
 * Whether a ranks ahead of b: must-fund bids first; a bid with no whole-life cost last; then
 * benefit per pound, exactly (a.score × b.cost against b.score × a.cost in BigInt); then the
 * higher score, the lower whole-life cost, the reference in code-unit order. A strict total order
 * on bids with distinct references, the same as allocation.ts's sort.
 */
export function ranksAhead(a: RankKey, b: RankKey): boolean {
  if (a.mustFund !== b.mustFund) return a.mustFund;
  const aUnranked = a.totalCostPence === 0;
  if (aUnranked !== (b.totalCostPence === 0)) return !aUnranked;
  const aSide = BigInt(a.scoreHundredths) * BigInt(b.totalCostPence);
  const bSide = BigInt(b.scoreHundredths) * BigInt(a.totalCostPence);
  if (aSide !== bSide) return aSide > bSide;
  if (a.scoreHundredths !== b.scoreHundredths) return a.scoreHundredths > b.scoreHundredths;
  if (a.totalCostPence !== b.totalCostPence) return a.totalCostPence < b.totalCostPence;
  return a.reference < b.reference;
}

/** The money each envelope had left before the round's first bid: its envelope less what was committed. */
export function moneyAtStart(result: AllocationResult): Map<string, number> {
  return new Map(result.envelopes.map((e) => [e.id, e.envelopePence - e.committedBeforePence]));
}

/** What the must-fund bids of a result take from each envelope. */
export function mustFundDraws(result: AllocationResult): Map<string, number> {
  const taken = new Map(result.envelopes.map((e) => [e.id, 0]));
  for (const entry of result.ranking) {
    if (!entry.mustFund) continue;
    for (const [id, pence] of Object.entries(entry.draws)) taken.set(id, (taken.get(id) ?? 0) + pence);
  }
  return taken;
}

export function envelopeName(result: AllocationResult, envelopeId: string): string {
  if (envelopeId === OVERALL_ENVELOPE_ID) return 'the envelope';
  const label = result.envelopes.find((e) => e.id === envelopeId)?.label ?? envelopeId;
  return `the ${label} sub-envelope`;
}

/** The bid of a round by reference, or a RangeError naming it. */
export function bidOf(input: AllocationInput, reference: string): AllocationBid {
  const bid = input.bids.find((b) => b.reference === reference);
  if (!bid) throw new RangeError(`${reference} is not one of the round's bids`);
  return bid;
}

export function withBid(input: AllocationInput, bid: AllocationBid): AllocationInput {
  return { ...input, bids: input.bids.map((b) => (b.reference === bid.reference ? bid : b)) };
}

export function outcomeOf(result: AllocationResult, reference: string): RankedBid {
  const entry = result.ranking.find((r) => r.reference === reference);
  if (!entry) throw new RangeError(`${reference} is not in the allocation's ranking`);
  return entry;
}
