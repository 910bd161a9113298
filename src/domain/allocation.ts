// Allocation within a funding round (domain.md §5): which supported bids the round's envelope
// funds, and why each one fell where it did. Pure and deterministic, so a what-if run is one more call.
//
// The rules, exactly:
//
// Money is integer pence. The money left in an envelope is its envelopePence less what earlier
// rounds' funded bids already take in this financial year: committed.totalPence for the overall
// envelope, committed.bySubEnvelope[id] (0 if absent) for a sub-envelope. It can start below
// zero, when an earlier round's must-fund bids overran.
//
// A bid's round cost is its recurrent plus non-recurrent cost in the round's financial year (0 if
// it has no line for that year); its whole-life cost is the sum over all its cost lines.
//
// A bid draws its round cost on the overall envelope; all of it again on the ambition
// sub-envelope keyed by its primary ambition, if there is one; and on each place sub-envelope
// keyed by one of its places, that place's share. The shares split the round cost evenly over ALL
// the bid's places in code-unit order, the odd pence one each to the first places, so they sum to
// the round cost exactly; a share for a place with no sub-envelope comes from the overall envelope
// alone. A bid fits when every envelope it draws on has at least its draw left, so an envelope
// already overspent funds nothing more, not even a bid that needs nothing from it this year.
//
// 1. Must-fund bids (those with a statutory mandate) are funded first, whatever the money, and are
//    never ranked out. Whatever they take beyond the money left is reported as mustFundOverrun,
//    and each must-fund bid that did not fit says so in its reason.
// 2. The other bids are ranked by benefit score per pound of whole-life cost, highest first
//    (must-fund bids are ordered the same way among themselves, ahead of them). The comparison is
//    exact: a comes before b when a.score × b.cost > b.score × a.cost, with scores in hundredths of
//    a point, in BigInt. Dividing floats would split true ties (20.1 points for £100,000 comes out
//    ahead of 60.3 for £300,000) and so hand them to the wrong tie-break. Ties go to the higher
//    benefit score, then the lower whole-life cost, then the reference in code-unit order (locale
//    order differs between machines). A bid whose whole-life cost is 0 cannot be ranked: it goes
//    last and is waitlisted.
// 3. Greedy: walk the ranking; a bid that fits is funded and its draws are deducted; a bid that does
//    not fit is waitlisted and the walk goes on, so smaller bids below it may still be funded. The
//    cut line is the first bid that did not fit.
//
// The result does not depend on the order of any list in the input, the input is never mutated,
// and input that breaks these rules is refused with an AllocationInputError naming the field.
import { financialYearSchema } from './bid.js';

export const OVERALL_ENVELOPE_ID = 'overall';

export type SubEnvelopeDimension = 'ambition' | 'place';

export interface SubEnvelope {
  readonly id: string;
  readonly dimension: SubEnvelopeDimension;
  /** The ambition or place it funds, as a bid names it in primaryAmbition or places. */
  readonly key: string;
  readonly label: string;
  readonly envelopePence: number;
}

export interface AllocationCostLine {
  readonly financialYear: string;
  readonly recurrentPence: number;
  readonly nonRecurrentPence: number;
}

export interface AllocationBid {
  readonly reference: string;
  readonly title: string;
  /** 0 to 100, at most two decimal places. */
  readonly benefitScore: number;
  readonly mustFund: boolean;
  readonly primaryAmbition: string;
  readonly places: readonly string[];
  readonly costs: readonly AllocationCostLine[];
}

export interface AllocationInput {
  /** Such as 2026/27. */
  readonly financialYear: string;
  readonly envelopePence: number;
  /** At most one per dimension and key. */
  readonly subEnvelopes: readonly SubEnvelope[];
  /** What earlier rounds' funded bids already take in this financial year. */
  readonly committed: {
    readonly totalPence: number;
    /** By sub-envelope id. */
    readonly bySubEnvelope: Readonly<Record<string, number>>;
  };
  readonly bids: readonly AllocationBid[];
}

/** Pence by envelope id: OVERALL_ENVELOPE_ID or a sub-envelope's id. */
export type PenceByEnvelope = Record<string, number>;

export type AllocationOutcome = 'funded' | 'waitlisted';

export interface RankedBid {
  reference: string;
  /** 1-based, must-fund bids first. */
  rank: number;
  mustFund: boolean;
  benefitScore: number;
  roundCostPence: number;
  totalCostPence: number;
  /** For people to read, e.g. "300.00 points per £1m of whole-life cost"; the ranking never uses it. */
  benefitPerPoundText: string;
  outcome: AllocationOutcome;
  /** Plain English, e.g. "Waitlisted: needs £800,000; £500,000 left in the envelope". */
  reason: string;
  /** Every envelope the bid draws on, with its draw. */
  draws: PenceByEnvelope;
  /** What each of those envelopes had left when the bid's turn came. */
  leftBefore: PenceByEnvelope;
}

export interface CutLine {
  rank: number;
  reference: string;
  /** The envelope that was short; the overall envelope if it was one of them. */
  envelopeId: string;
  /** What that envelope had left. */
  leftPence: number;
}

export interface EnvelopeStatement {
  id: string;
  label: string;
  envelopePence: number;
  committedBeforePence: number;
  allocatedPence: number;
  leftPence: number;
}

/** How far the must-fund bids took each envelope beyond the money it had left. */
export interface MustFundOverrun {
  overallPence: number;
  /** Only the sub-envelopes that were overrun. */
  bySubEnvelope: PenceByEnvelope;
}

export interface AllocationResult {
  financialYear: string;
  /** References in rank order. */
  funded: string[];
  /** References in rank order. */
  waitlisted: string[];
  ranking: RankedBid[];
  cutLine: CutLine | null;
  /** The overall envelope, then the sub-envelopes by dimension and key. */
  envelopes: EnvelopeStatement[];
  mustFundOverrun: MustFundOverrun | null;
}

export class AllocationInputError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field} ${problem}`);
    this.name = 'AllocationInputError';
  }
}

export function allocate(input: AllocationInput): AllocationResult {
  assertValid(input);
  const { overall, subEnvelopes, byAmbition, byPlace } = openEnvelopes(input);
  const candidates = input.bids.map((bid) => toCandidate(bid, input.financialYear, overall, byAmbition, byPlace));
  const inRankOrder = [
    ...candidates.filter((c) => c.bid.mustFund).sort(byBenefitPerPound),
    ...candidates.filter((c) => !c.bid.mustFund).sort(byBenefitPerPound),
  ];

  const ranking: RankedBid[] = [];
  let cutLine: CutLine | null = null;
  for (const [i, candidate] of inRankOrder.entries()) {
    const rank = i + 1;
    const { bid, draws } = candidate;
    const overallLeft = overall.leftPence;
    const leftBefore = penceByEnvelope(draws, (d) => d.envelope.leftPence);
    const shortfalls = draws.filter((d) => d.envelope.leftPence < d.pence);

    let outcome: AllocationOutcome;
    let reason: string;
    if (bid.mustFund) {
      outcome = 'funded';
      reason = shortfalls.length === 0 ? MUST_FUND : `${MUST_FUND}, beyond the money left: ${describeShortfalls(shortfalls)}`;
      for (const { envelope, pence } of shortfalls) envelope.overrunPence += pence - Math.max(0, envelope.leftPence);
      take(draws);
    } else if (candidate.totalCostPence === 0) {
      outcome = 'waitlisted';
      reason = 'Waitlisted: cannot be ranked, as its whole-life cost is £0';
    } else if (shortfalls.length === 0) {
      outcome = 'funded';
      reason = `Funded: ranked ${ordinal(rank)} by benefit per pound; ${formatPence(candidate.roundCostPence)} needed, ${formatPence(overallLeft)} left`;
      take(draws);
    } else {
      outcome = 'waitlisted';
      reason = `Waitlisted: ${describeShortfalls(shortfalls)}`;
      // The overall envelope is always the first draw, so it is named first when it was short.
      const [short] = shortfalls as [Draw, ...Draw[]];
      cutLine ??= { rank, reference: bid.reference, envelopeId: short.envelope.id, leftPence: short.envelope.leftPence };
    }

    ranking.push({
      reference: bid.reference,
      rank,
      mustFund: bid.mustFund,
      benefitScore: bid.benefitScore,
      roundCostPence: candidate.roundCostPence,
      totalCostPence: candidate.totalCostPence,
      benefitPerPoundText: benefitPerPoundText(candidate),
      outcome,
      reason,
      draws: penceByEnvelope(draws, (d) => d.pence),
      leftBefore,
    });
  }

  const all = [overall, ...subEnvelopes];
  const overrunSubEnvelopes = subEnvelopes.filter((e) => e.overrunPence > 0);
  return {
    financialYear: input.financialYear,
    funded: ranking.filter((r) => r.outcome === 'funded').map((r) => r.reference),
    waitlisted: ranking.filter((r) => r.outcome === 'waitlisted').map((r) => r.reference),
    ranking,
    cutLine,
    envelopes: all.map((e) => ({
      id: e.id,
      label: e.label,
      envelopePence: e.envelopePence,
      committedBeforePence: e.committedPence,
      allocatedPence: e.allocatedPence,
      leftPence: e.leftPence,
    })),
    mustFundOverrun:
      overall.overrunPence > 0 || overrunSubEnvelopes.length > 0
        ? {
            overallPence: overall.overrunPence,
            bySubEnvelope: Object.fromEntries(overrunSubEnvelopes.map((e) => [e.id, e.overrunPence])),
          }
        : null,
  };
}

/**
 * What bids already funded take from a round's envelopes in its financial year: their cost
 * lines for that year, drawn by the same rule as allocation (ambition in full, places shared).
 * Recurrent costs so count against every year they run in.
 */
export function committedBy(
  financialYear: string,
  subEnvelopes: readonly SubEnvelope[],
  funded: readonly AllocationBid[],
): AllocationInput['committed'] {
  const { overall, byAmbition, byPlace } = openEnvelopes({ financialYear, envelopePence: 0, subEnvelopes, committed: { totalPence: 0, bySubEnvelope: {} }, bids: [] });
  let totalPence = 0;
  const bySubEnvelope: PenceByEnvelope = {};
  for (const bid of funded) {
    for (const { envelope, pence } of toCandidate(bid, financialYear, overall, byAmbition, byPlace).draws) {
      if (envelope.isOverall) totalPence += pence;
      else bySubEnvelope[envelope.id] = (bySubEnvelope[envelope.id] ?? 0) + pence;
    }
  }
  return { totalPence, bySubEnvelope };
}

/** £1,234,567 for whole pounds, £6,666.67 otherwise; -£500 below zero. */
export function formatPence(pence: number): string {
  const sign = pence < 0 ? '-' : '';
  const magnitude = Math.abs(pence);
  const odd = magnitude % 100;
  const pounds = groupThousands(String((magnitude - odd) / 100));
  return `${sign}£${pounds}${odd === 0 ? '' : `.${String(odd).padStart(2, '0')}`}`;
}

const MUST_FUND = 'Funded: must-fund (statutory mandate)';

/** An envelope's running account while the ranking is walked. */
interface Envelope {
  readonly id: string;
  readonly label: string;
  readonly isOverall: boolean;
  readonly envelopePence: number;
  readonly committedPence: number;
  leftPence: number;
  allocatedPence: number;
  overrunPence: number;
}

interface Draw {
  readonly envelope: Envelope;
  readonly pence: number;
  /** How many places the round cost is split across, when this is a place's share. */
  readonly shareOf: number;
}

interface Candidate {
  readonly bid: AllocationBid;
  readonly scoreHundredths: bigint;
  readonly roundCostPence: number;
  readonly totalCostPence: number;
  readonly totalCost: bigint;
  /** The overall envelope first, then the ambition's, then the places' in code-unit order. */
  readonly draws: readonly Draw[];
}

function openEnvelopes(input: AllocationInput) {
  const open = (id: string, label: string, envelopePence: number, committedPence: number, isOverall: boolean): Envelope => ({
    id,
    label,
    isOverall,
    envelopePence,
    committedPence,
    leftPence: envelopePence - committedPence,
    allocatedPence: 0,
    overrunPence: 0,
  });
  const overall = open(OVERALL_ENVELOPE_ID, 'Overall envelope', input.envelopePence, input.committed.totalPence, true);
  const byAmbition = new Map<string, Envelope>();
  const byPlace = new Map<string, Envelope>();
  const subEnvelopes = [...input.subEnvelopes]
    .sort((a, b) => compareCodeUnits(a.dimension, b.dimension) || compareCodeUnits(a.key, b.key))
    .map((sub) => {
      const envelope = open(sub.id, sub.label, sub.envelopePence, committedTo(input, sub.id), false);
      (sub.dimension === 'ambition' ? byAmbition : byPlace).set(sub.key, envelope);
      return envelope;
    });
  return { overall, subEnvelopes, byAmbition, byPlace };
}

/** Own properties only: a sub-envelope called "toString" must not find Object.prototype's. */
function committedTo(input: AllocationInput, subEnvelopeId: string): number {
  const by = input.committed.bySubEnvelope;
  return Object.hasOwn(by, subEnvelopeId) ? (by[subEnvelopeId] ?? 0) : 0;
}

function toCandidate(
  bid: AllocationBid,
  financialYear: string,
  overall: Envelope,
  byAmbition: ReadonlyMap<string, Envelope>,
  byPlace: ReadonlyMap<string, Envelope>,
): Candidate {
  let roundCostPence = 0;
  let totalCostPence = 0;
  for (const line of bid.costs) {
    const linePence = line.recurrentPence + line.nonRecurrentPence;
    totalCostPence += linePence;
    if (line.financialYear === financialYear) roundCostPence += linePence;
  }

  const draws: Draw[] = [{ envelope: overall, pence: roundCostPence, shareOf: 1 }];
  const ambition = byAmbition.get(bid.primaryAmbition);
  if (ambition) draws.push({ envelope: ambition, pence: roundCostPence, shareOf: 1 });
  const places = [...bid.places].sort(compareCodeUnits);
  const oddPence = roundCostPence % places.length;
  // Subtracting the remainder first keeps the division exact, even near 2^53.
  const evenShare = (roundCostPence - oddPence) / places.length;
  places.forEach((place, i) => {
    const envelope = byPlace.get(place);
    if (envelope) draws.push({ envelope, pence: evenShare + (i < oddPence ? 1 : 0), shareOf: places.length });
  });

  return {
    bid,
    scoreHundredths: BigInt(scoreInHundredths(bid.benefitScore)),
    roundCostPence,
    totalCostPence,
    totalCost: BigInt(totalCostPence),
    draws,
  };
}

function byBenefitPerPound(a: Candidate, b: Candidate): number {
  const aUnranked = a.totalCostPence === 0;
  if (aUnranked !== (b.totalCostPence === 0)) return aUnranked ? 1 : -1;
  const aSide = a.scoreHundredths * b.totalCost;
  const bSide = b.scoreHundredths * a.totalCost;
  if (aSide !== bSide) return aSide > bSide ? -1 : 1;
  if (a.scoreHundredths !== b.scoreHundredths) return a.scoreHundredths > b.scoreHundredths ? -1 : 1;
  if (a.totalCostPence !== b.totalCostPence) return a.totalCostPence < b.totalCostPence ? -1 : 1;
  return compareCodeUnits(a.bid.reference, b.bid.reference);
}

function take(draws: readonly Draw[]): void {
  for (const { envelope, pence } of draws) {
    envelope.leftPence -= pence;
    envelope.allocatedPence += pence;
  }
}

function penceByEnvelope(draws: readonly Draw[], pence: (draw: Draw) => number): PenceByEnvelope {
  const out: PenceByEnvelope = {};
  for (const draw of draws) out[draw.envelope.id] = pence(draw);
  return out;
}

function describeShortfalls(shortfalls: readonly Draw[]): string {
  return shortfalls
    .map(({ envelope, pence, shareOf }) => {
      const needs = `needs ${formatPence(pence)}${shareOf > 1 ? ` (its share across ${shareOf} places)` : ''}`;
      const where = envelope.isOverall ? 'the envelope' : `the ${envelope.label} sub-envelope`;
      return envelope.leftPence < 0
        ? `${needs}; ${where} is already ${formatPence(-envelope.leftPence)} over`
        : `${needs}; ${formatPence(envelope.leftPence)} left in ${where}`;
    })
    .join('; and ');
}

const PENCE_PER_MILLION_POUNDS = 100_000_000n;

function benefitPerPoundText(candidate: Candidate): string {
  if (candidate.totalCostPence === 0) return 'cannot be ranked: no whole-life cost';
  // Hundredths of a point per £1m, rounded half up, in integers like the ranking itself.
  const numerator = candidate.scoreHundredths * PENCE_PER_MILLION_POUNDS;
  const hundredths = (2n * numerator + candidate.totalCost) / (2n * candidate.totalCost);
  const fraction = String(hundredths % 100n).padStart(2, '0');
  return `${groupThousands(String(hundredths / 100n))}.${fraction} points per £1m of whole-life cost`;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+$)/g, ',');
}

function ordinal(n: number): string {
  const lastTwo = n % 100;
  if (lastTwo >= 11 && lastTwo <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function scoreInHundredths(score: number): number {
  return Math.round(score * 100);
}

// --- Validation: everything the types cannot say. ---

const ENVELOPE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

function fail(field: string, problem: string): never {
  throw new AllocationInputError(field, problem);
}

function assertPence(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(field, 'must be a whole number of pence');
  if (value < 0) fail(field, 'must not be negative');
  if (value > Number.MAX_SAFE_INTEGER) fail(field, 'is too large');
}

function assertText(field: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') fail(field, 'must not be empty');
}

function assertValid(input: AllocationInput): void {
  const knownYears = new Set<string>();
  const assertFinancialYear = (field: string, value: unknown) => {
    if (typeof value === 'string' && knownYears.has(value)) return;
    const parsed = financialYearSchema.safeParse(value);
    if (!parsed.success) fail(field, parsed.error.issues[0]?.message ?? 'must be a financial year such as 2026/27');
    knownYears.add(parsed.data);
  };

  assertFinancialYear('financialYear', input.financialYear);
  assertPence('envelopePence', input.envelopePence);

  const subEnvelopeAt = new Map<string, number>();
  const keyAt = new Map<string, number>();
  input.subEnvelopes.forEach((sub, i) => {
    const at = `subEnvelopes[${i}]`;
    if (typeof sub.id !== 'string' || !ENVELOPE_ID.test(sub.id)) {
      fail(`${at}.id`, 'must be 1 to 100 letters, digits, "_", "-" or ".", starting with a letter or digit');
    }
    if (sub.id === OVERALL_ENVELOPE_ID) fail(`${at}.id`, `must not be "${OVERALL_ENVELOPE_ID}", which names the whole envelope`);
    const sameId = subEnvelopeAt.get(sub.id);
    if (sameId !== undefined) fail(`${at}.id`, `must be unique: ${sub.id} is also subEnvelopes[${sameId}].id`);
    subEnvelopeAt.set(sub.id, i);
    if (sub.dimension !== 'ambition' && sub.dimension !== 'place') fail(`${at}.dimension`, 'must be ambition or place');
    assertText(`${at}.key`, sub.key);
    const sameKey = keyAt.get(`${sub.dimension}:${sub.key}`);
    if (sameKey !== undefined) {
      fail(`${at}.key`, `must be unique within its dimension: subEnvelopes[${sameKey}] is also the ${sub.dimension} sub-envelope for ${sub.key}`);
    }
    keyAt.set(`${sub.dimension}:${sub.key}`, i);
    assertText(`${at}.label`, sub.label);
    assertPence(`${at}.envelopePence`, sub.envelopePence);
  });

  assertPence('committed.totalPence', input.committed.totalPence);
  for (const [id, pence] of Object.entries(input.committed.bySubEnvelope)) {
    if (!subEnvelopeAt.has(id)) fail(`committed.bySubEnvelope.${id}`, 'names no sub-envelope of this round');
    assertPence(`committed.bySubEnvelope.${id}`, pence);
  }

  const referenceAt = new Map<string, number>();
  let allCostsPence = 0;
  input.bids.forEach((bid, i) => {
    const at = `bids[${i}]`;
    assertText(`${at}.reference`, bid.reference);
    const sameReference = referenceAt.get(bid.reference);
    if (sameReference !== undefined) fail(`${at}.reference`, `must be unique: ${bid.reference} is also bids[${sameReference}].reference`);
    referenceAt.set(bid.reference, i);

    const score = bid.benefitScore;
    if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 100) {
      fail(`${at}.benefitScore`, 'must be a number from 0 to 100');
    }
    if (Math.abs(score * 100 - scoreInHundredths(score)) > 1e-6) fail(`${at}.benefitScore`, 'must have at most two decimal places');
    if (typeof bid.mustFund !== 'boolean') fail(`${at}.mustFund`, 'must be true or false');
    if (typeof bid.primaryAmbition !== 'string') fail(`${at}.primaryAmbition`, 'must be a string');

    if (bid.places.length === 0) fail(`${at}.places`, 'must name at least one place');
    const places = new Set<string>();
    bid.places.forEach((place, j) => {
      assertText(`${at}.places[${j}]`, place);
      if (places.has(place)) fail(`${at}.places[${j}]`, `must not repeat ${place}`);
      places.add(place);
    });

    const years = new Set<string>();
    bid.costs.forEach((line, j) => {
      const lineAt = `${at}.costs[${j}]`;
      assertFinancialYear(`${lineAt}.financialYear`, line.financialYear);
      if (years.has(line.financialYear)) fail(`${lineAt}.financialYear`, `must not repeat ${line.financialYear}: list each financial year once`);
      years.add(line.financialYear);
      assertPence(`${lineAt}.recurrentPence`, line.recurrentPence);
      assertPence(`${lineAt}.nonRecurrentPence`, line.nonRecurrentPence);
      allCostsPence += line.recurrentPence + line.nonRecurrentPence;
    });
  });

  // No running figure of an envelope gets further from zero than its own money and commitments
  // plus everything bid for: if that is a safe integer, every sum on the way is exact.
  const largestAccount = Math.max(
    input.envelopePence + input.committed.totalPence,
    ...input.subEnvelopes.map((sub) => sub.envelopePence + committedTo(input, sub.id)),
  );
  if (!Number.isSafeInteger(largestAccount + allCostsPence)) {
    fail('bids', 'ask for more money in total than can be counted exactly in pence');
  }
}
