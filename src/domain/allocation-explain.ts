// "What it would take": for each waitlisted bid of a funding round, the smallest single change
// that would fund it under the round's rule (allocation.ts): a lower cost, a larger envelope, or a
// higher benefit score. Pure and deterministic; money in integer pence and scores in integer
// hundredths, compared exactly. Every answer is checked by re-running allocate(): with the change
// the bid is funded, and with the change less one unit (1p, 0.01 point) it is not.
//
// Why the searches are right. Write B for the waitlisted bid and "the others" for the rest of the
// round in their rank order. allocate() walks the ranking and decides each bid on what is left
// when its turn comes, so:
//
//  (1) The others ranked ahead of B are decided exactly as they would be without B: nothing B
//      does comes before them. As B was waitlisted, it took nothing, so the money left after the
//      first k others — call it left_k, one figure per envelope B draws on — is read straight off
//      the walk without B. left_k never rises as k grows: each further bid takes or leaves money.
//  (2) B is funded exactly when it fits at its turn: its draw on each envelope is at most left_k,
//      where k is the number of others ranked ahead of it. Changing B moves the bids BELOW it
//      around (greedy is not monotone: they may now miss out, or fit), but not its own fate.
//
// Cost (a). We take X pence off B's cost in the round's financial year — off its non-recurrent
// cost for that year first, then its recurrent — so its whole-life cost falls by X too; other
// years' costs are left alone. Lower cost means a higher benefit per pound (and, on a tie, the
// lower cost wins), so B ranks no lower: k does not rise, left_k does not fall. And its draws do
// not rise: the overall and ambition draws are the round cost, and a place's share of it
// (dealt a penny at a time over its places) never rises when the cost falls. So "funded after
// taking X off" is monotone in X — once true it stays true — up to the point where the
// whole-life cost would reach £0 and B could not be ranked at all. Binary search finds the
// smallest X.
//
// Score (c). A higher score moves B up the ranking (higher benefit per pound, and the higher
// score wins a tie) and changes no draw, so "funded at score s + Z" is monotone in Z: binary
// search again, up to 100 points. If B does not fit even at 100 points, cost alone blocks it.
//
// Envelope (b). Not monotone: a larger envelope can fund a bigger bid ranked ahead of B which
// then leaves B less than before. So we search the walk itself. Raise a set of envelopes E (the
// overall envelope; or one sub-envelope; or all of B's together) by the same Y. Fix the decisions
// of the first j others; every envelope not in E then has an exact amount left, and an envelope
// in E has (a known amount + Y). The next bid is funded exactly when Y is at least a threshold t
// (the most it is short on any envelope in E), given it fits the others. So over an interval of
// Y the walk's next decision is fixed, or the interval splits at t into a lower part (waitlisted)
// and an upper part (funded). A depth-first search that always takes the lower part first visits
// the intervals in increasing order of Y, so the first Y at which B fits is the smallest. It
// prunes every interval below what B itself needs once the bids so far are paid for (that only
// grows deeper down) and every branch in which an envelope outside E already has too little for
// B. At the top of the range every bid fits every envelope in E, so if B is still waitlisted
// there, no increase of E alone funds it. The search is exact but can, for contrived rounds, take
// exponentially many steps; it stops after a budget of steps and says the answer is undetermined
// rather than guess.
import {
  allocate,
  OVERALL_ENVELOPE_ID,
  type AllocationBid,
  type AllocationInput,
  type AllocationResult,
  type RankedBid,
} from './allocation.js';
import {
  bidOf,
  drawOf,
  drawRulesOf,
  envelopeName,
  formatHundredths,
  formatPence,
  moneyAtStart,
  outcomeOf,
  rankKeyOf,
  ranksAhead,
  withBid,
  type DrawRule,
  type RankKey,
} from './allocation-model.js';

const MAX_SCORE_HUNDREDTHS = 10_000;

/** A change that would fund the bid, and the sentence that says so. */
export interface CostReduction {
  readonly kind: 'change';
  /** Taken off the round year's cost (non-recurrent first, then recurrent). */
  readonly reductionPence: number;
  readonly roundCostPence: number;
  readonly totalCostPence: number;
  readonly sentence: string;
}

export interface EnvelopeIncrease {
  readonly kind: 'change';
  /** Each of these envelopes raised by increasePence. */
  readonly envelopeIds: readonly string[];
  readonly increasePence: number;
  readonly sentence: string;
}

export interface ScoreIncrease {
  readonly kind: 'change';
  readonly increaseHundredths: number;
  /** The score that would fund it, in points. */
  readonly benefitScore: number;
  readonly sentence: string;
}

/** No such change would fund it ('impossible'), or the search ran out of budget ('undetermined'). */
export interface NoChange {
  readonly kind: 'impossible' | 'undetermined';
  /** The envelopes the change was about, for envelope changes. */
  readonly envelopeIds?: readonly string[];
  readonly sentence: string;
}

export interface BidWhatItWouldTake {
  readonly reference: string;
  readonly rank: number;
  readonly roundCostPence: number;
  readonly totalCostPence: number;
  readonly benefitScore: number;
  /** The envelopes that were short at its turn; empty when it could not be ranked. */
  readonly shortOn: readonly string[];
  readonly cost: CostReduction | NoChange;
  readonly envelope: {
    readonly overall: EnvelopeIncrease | NoChange;
    /** One per sub-envelope the bid draws on, in draw order (ambition, then places). */
    readonly subEnvelopes: readonly (EnvelopeIncrease | NoChange)[];
    /** Every envelope it draws on raised by the same amount; null when it draws on no sub-envelope. */
    readonly together: EnvelopeIncrease | NoChange | null;
  };
  readonly score: ScoreIncrease | NoChange;
  /** Every change that would fund it, in one sentence; or why none would. */
  readonly sentence: string;
}

export interface WhatItWouldTake {
  readonly financialYear: string;
  /** One per waitlisted bid, in rank order. */
  readonly bids: readonly BidWhatItWouldTake[];
}

export interface WhatItWouldTakeOptions {
  /** Steps of the envelope search per question before it answers 'undetermined'. Default 2,000,000. */
  readonly searchBudget?: number;
  /**
   * Re-run allocate() to confirm each answer: with the change the bid is funded, with one unit
   * less it is not. Default true. Two allocations per answer dominate the time on a large round;
   * false skips them and relies on the arguments above alone.
   */
  readonly verify?: boolean;
}

/** A conclusion that re-running allocate() did not bear out: a bug here, never bad input. */
export class WhatItWouldTakeError extends Error {
  constructor(
    readonly reference: string,
    message: string,
  ) {
    super(`${reference}: ${message}`);
    this.name = 'WhatItWouldTakeError';
  }
}

export function whatItWouldTake(input: AllocationInput, options: WhatItWouldTakeOptions = {}): WhatItWouldTake {
  const round = openRound(input);
  return {
    financialYear: input.financialYear,
    bids: round.result.ranking.filter((r) => r.outcome === 'waitlisted').map((entry) => explain(round, entry, options)),
  };
}

/** The same for one waitlisted bid; a RangeError if the bid is not waitlisted. */
export function whatItWouldTakeFor(input: AllocationInput, reference: string, options: WhatItWouldTakeOptions = {}): BidWhatItWouldTake {
  const round = openRound(input);
  const entry = outcomeOf(round.result, reference);
  if (entry.outcome !== 'waitlisted') throw new RangeError(`${reference} is funded already`);
  return explain(round, entry, options);
}

// --- The change applied, as allocate() will see it. ---

/** The bid with X pence off its cost in the round's year: non-recurrent first, then recurrent. */
export function reduceRoundCost(bid: AllocationBid, financialYear: string, reductionPence: number): AllocationBid {
  return {
    ...bid,
    costs: bid.costs.map((line) => {
      if (line.financialYear !== financialYear) return line;
      const fromNonRecurrent = Math.min(reductionPence, line.nonRecurrentPence);
      return { ...line, nonRecurrentPence: line.nonRecurrentPence - fromNonRecurrent, recurrentPence: line.recurrentPence - (reductionPence - fromNonRecurrent) };
    }),
  };
}

/** The round with each of these envelopes (OVERALL_ENVELOPE_ID or sub-envelope ids) raised by the same amount. */
export function raiseEnvelopes(input: AllocationInput, envelopeIds: readonly string[], increasePence: number): AllocationInput {
  const ids = new Set(envelopeIds);
  return {
    ...input,
    envelopePence: input.envelopePence + (ids.has(OVERALL_ENVELOPE_ID) ? increasePence : 0),
    subEnvelopes: input.subEnvelopes.map((sub) => (ids.has(sub.id) ? { ...sub, envelopePence: sub.envelopePence + increasePence } : sub)),
  };
}

export function raiseScore(bid: AllocationBid, increaseHundredths: number): AllocationBid {
  return { ...bid, benefitScore: (Math.round(bid.benefitScore * 100) + increaseHundredths) / 100 };
}

// --- The round, read once for every waitlisted bid. ---

interface Round {
  readonly input: AllocationInput;
  readonly result: AllocationResult;
  readonly keys: readonly RankKey[];
  readonly envelopeIndex: ReadonlyMap<string, number>;
  readonly start: readonly number[];
  /** Each ranked bid's draws as [envelope index, pence], in rank order. */
  readonly draws: readonly (readonly (readonly [number, number])[])[];
}

function openRound(input: AllocationInput): Round {
  const result = allocate(input);
  const envelopeIndex = new Map(result.envelopes.map((e, i) => [e.id, i]));
  const startMap = moneyAtStart(result);
  return {
    input,
    result,
    keys: result.ranking.map(rankKeyOf),
    envelopeIndex,
    start: result.envelopes.map((e) => startMap.get(e.id) ?? 0),
    draws: result.ranking.map((r) => Object.entries(r.draws).map(([id, pence]): [number, number] => [envelopeIndex.get(id) ?? -1, pence])),
  };
}

/** One waitlisted bid, and the walk of the others. */
interface Subject {
  readonly round: Round;
  readonly bid: AllocationBid;
  readonly entry: RankedBid;
  /** Rank index (0-based) of B in the result. */
  readonly at: number;
  readonly key: RankKey;
  readonly rules: readonly DrawRule[];
  readonly ruleEnvelopes: readonly number[];
  /** leftAt[k][r]: left on B's r-th envelope after the first k others, as in (1). */
  readonly leftAt: readonly (readonly number[])[];
  readonly roundCostPence: number;
  readonly totalCostPence: number;
  readonly verify: boolean;
}

function subjectOf(round: Round, entry: RankedBid, verify: boolean): Subject {
  const bid = bidOf(round.input, entry.reference);
  const at = entry.rank - 1;
  const rules = drawRulesOf(round.input, bid);
  const ruleEnvelopes = rules.map((rule) => round.envelopeIndex.get(rule.envelopeId) ?? -1);
  const left = ruleEnvelopes.map((e) => round.start[e] ?? 0);
  const leftAt: number[][] = [[...left]];
  round.result.ranking.forEach((other, i) => {
    if (i === at) return;
    if (other.outcome === 'funded') {
      ruleEnvelopes.forEach((e, r) => {
        for (const [id, pence] of round.draws[i] ?? []) if (id === e) left[r] = (left[r] ?? 0) - pence;
      });
    }
    leftAt.push([...left]);
  });
  return { round, bid, entry, at, key: rankKeyOf(entry), rules, ruleEnvelopes, leftAt, roundCostPence: entry.roundCostPence, totalCostPence: entry.totalCostPence, verify };
}

/** How many of the others rank ahead of a bid with this key: a prefix of the ranking, so binary search. */
function othersAhead(subject: Subject, key: RankKey): number {
  const { keys } = subject.round;
  const otherAt = (j: number) => keys[j < subject.at ? j : j + 1] as RankKey;
  let lo = 0;
  let hi = keys.length - 1;
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (ranksAhead(otherAt(mid), key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function fitsAfter(subject: Subject, k: number, roundCostPence: number): boolean {
  const left = subject.leftAt[k] ?? [];
  return subject.rules.every((rule, r) => (left[r] ?? 0) >= drawOf(rule, roundCostPence));
}

function shortfallsAfter(subject: Subject, k: number, roundCostPence: number): string {
  const left = subject.leftAt[k] ?? [];
  return subject.rules
    .flatMap((rule, r) => {
      const draw = drawOf(rule, roundCostPence);
      const l = left[r] ?? 0;
      if (l >= draw) return [];
      const where = envelopeName(subject.round.result, rule.envelopeId);
      return [l < 0 ? `${where} is already ${formatPence(-l)} over` : `it would need ${formatPence(draw)} with ${formatPence(l)} left in ${where}`];
    })
    .join(', and ');
}

function explain(round: Round, entry: RankedBid, options: WhatItWouldTakeOptions): BidWhatItWouldTake {
  const subject = subjectOf(round, entry, options.verify ?? true);
  const shortOn = entry.totalCostPence === 0 ? [] : Object.keys(entry.draws).filter((id) => (entry.leftBefore[id] ?? 0) < (entry.draws[id] ?? 0));
  const budget = options.searchBudget ?? 2_000_000;
  const subIds = subject.rules.filter((r) => r.kind !== 'overall').map((r) => r.envelopeId);

  const cost = costReduction(subject);
  const overall = envelopeIncrease(subject, [OVERALL_ENVELOPE_ID], budget);
  const subEnvelopes = subIds.map((id) => envelopeIncrease(subject, [id], budget));
  const together = subIds.length === 0 ? null : envelopeIncrease(subject, [OVERALL_ENVELOPE_ID, ...subIds], budget);
  const score = scoreIncrease(subject);

  const changes = [cost, overall, ...subEnvelopes, ...(together ? [together] : []), score].filter((c) => c.kind === 'change');
  const clauses = changes.map((c) => c.sentence.replace(/^Would be funded /, ''));
  const sentence =
    clauses.length > 0
      ? `Would be funded ${clauses.join(', or ')}.`
      : `No single change would fund it. ${[cost, overall, score].map((c) => c.sentence).join(' ')}`;
  // (Each change's own sentence has no full stop, so it can be quoted; the summary has one.)
  return {
    reference: entry.reference,
    rank: entry.rank,
    roundCostPence: entry.roundCostPence,
    totalCostPence: entry.totalCostPence,
    benefitScore: entry.benefitScore,
    shortOn,
    cost,
    envelope: { overall, subEnvelopes, together },
    score,
    sentence,
  };
}

// --- (a) A lower cost. ---

function costReduction(subject: Subject): CostReduction | NoChange {
  const { roundCostPence: R, totalCostPence: T, round } = subject;
  const year = round.input.financialYear;
  if (T === 0) return { kind: 'impossible', sentence: 'No lower cost would fund it: it has no whole-life cost, so it cannot be ranked.' };
  if (R === 0) {
    return { kind: 'impossible', sentence: `No lower cost would fund it: it needs nothing in ${year}, and ${shortfallsAfter(subject, othersAhead(subject, subject.key), 0)}.` };
  }
  const funds = (x: number) => fitsAfter(subject, othersAhead(subject, { ...subject.key, totalCostPence: T - x }), R - x);
  // Below a whole-life cost of 1p it could not be ranked.
  const most = Math.min(R, T - 1);
  if (most < 1 || !funds(most)) {
    const k = othersAhead(subject, { ...subject.key, totalCostPence: T - Math.max(most, 0) });
    const cheapest = R - Math.max(most, 0);
    return { kind: 'impossible', sentence: `No lower cost would fund it: even at ${formatPence(cheapest)} in ${year}, ${shortfallsAfter(subject, k, cheapest)}.` };
  }
  const x = smallestTrue(1, most, funds);

  verify(subject, `a cost ${formatPence(x)} lower`, (d) => withBid(round.input, reduceRoundCost(subject.bid, year, x - d)));
  const sentence =
    R === T
      ? `Would be funded if it cost ${formatPence(x)} less (${formatPence(R - x)} instead of ${formatPence(R)})`
      : `Would be funded if its ${year} cost were ${formatPence(x)} less (${formatPence(R - x)} instead of ${formatPence(R)}; ` +
        `${formatPence(T - x)} instead of ${formatPence(T)} over its whole life)`;
  return { kind: 'change', reductionPence: x, roundCostPence: R - x, totalCostPence: T - x, sentence };
}

// --- (c) A higher score. ---

function scoreIncrease(subject: Subject): ScoreIncrease | NoChange {
  const s = subject.key.scoreHundredths;
  if (subject.totalCostPence === 0) return { kind: 'impossible', sentence: 'No benefit score would fund it: it has no whole-life cost, so it cannot be ranked.' };
  const funds = (z: number) => fitsAfter(subject, othersAhead(subject, { ...subject.key, scoreHundredths: s + z }), subject.roundCostPence);
  const most = MAX_SCORE_HUNDREDTHS - s;
  if (most < 1 || !funds(most)) {
    const k = othersAhead(subject, { ...subject.key, scoreHundredths: MAX_SCORE_HUNDREDTHS });
    return {
      kind: 'impossible',
      sentence: `No benefit score would fund it: even at 100 points it would rank ${ordinal(k + 1)}, and ${shortfallsAfter(subject, k, subject.roundCostPence)}.`,
    };
  }
  const z = smallestTrue(1, most, funds);
  verify(subject, `a score ${formatHundredths(z)} points higher`, (d) => withBid(subject.round.input, raiseScore(subject.bid, z - d)));
  return {
    kind: 'change',
    increaseHundredths: z,
    benefitScore: (s + z) / 100,
    sentence: `Would be funded if its benefit score were ${formatHundredths(z)} points higher (${formatHundredths(s + z)} instead of ${formatHundredths(s)})`,
  };
}

// --- (b) A larger envelope: the interval search described at the top. ---

function envelopeIncrease(subject: Subject, envelopeIds: readonly string[], budget: number): EnvelopeIncrease | NoChange {
  const { round } = subject;
  const names = envelopeIds.map((id) => envelopeName(round.result, id));
  const what = names.length === 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
  if (subject.totalCostPence === 0) {
    return { kind: 'impossible', envelopeIds, sentence: `No larger envelope would fund it: it has no whole-life cost, so it cannot be ranked.` };
  }
  const found = searchIncrease(subject, envelopeIds, budget);
  if (found.kind === 'undetermined') {
    return { kind: 'undetermined', envelopeIds, sentence: `The smallest increase of ${what} that would fund it could not be settled within the search budget.` };
  }
  if (found.kind === 'impossible') {
    const still = shortfallsAt(subject, envelopeIds, found.ceiling);
    return { kind: 'impossible', envelopeIds, sentence: `No increase of ${what} alone would fund it: however large, ${still}.` };
  }
  const y = found.increasePence;
  verify(subject, `${what} ${formatPence(y)} larger`, (d) => raiseEnvelopes(round.input, envelopeIds, y - d));
  let sentence: string;
  if (envelopeIds.length === 1) {
    const statement = round.result.envelopes.find((e) => e.id === envelopeIds[0]);
    const now = statement?.envelopePence ?? 0;
    sentence = `Would be funded if ${what} were ${formatPence(y)} larger (${formatPence(now + y)} instead of ${formatPence(now)})`;
  } else {
    sentence = `Would be funded if ${what} were each ${formatPence(y)} larger`;
  }
  return { kind: 'change', envelopeIds, increasePence: y, sentence };
}

type SearchResult = { kind: 'found'; increasePence: number } | { kind: 'impossible'; ceiling: number } | { kind: 'undetermined' };

function searchIncrease(subject: Subject, envelopeIds: readonly string[], budget: number): SearchResult {
  const { round, at } = subject;
  const varied = new Set(envelopeIds.map((id) => round.envelopeIndex.get(id) ?? -1));
  // The others ranked ahead of B, in order; nothing below B can change B's fate (see (1)).
  const ahead = othersAhead(subject, subject.key);
  const prefix = Array.from({ length: ahead }, (_, j) => (j < at ? j : j + 1));
  const bDraws = subject.rules.map((rule, r) => [subject.ruleEnvelopes[r] ?? -1, drawOf(rule, subject.roundCostPence)] as const);

  // At this increase every bid fits every raised envelope, so nothing changes above it.
  let ceiling = 1;
  for (const e of varied) {
    let wanted = -(round.start[e] ?? 0);
    for (const i of prefix) for (const [id, pence] of round.draws[i] ?? []) if (id === e) wanted += pence;
    for (const [id, pence] of bDraws) if (id === e) wanted += pence;
    ceiling = Math.max(ceiling, wanted);
  }

  // left0[e]: left at an increase of 0, given the decisions so far; a raised envelope has left0[e] + Y.
  const left0 = [...round.start];
  const log: [number, number][] = [];
  const take = (i: number) => {
    for (const [e, pence] of round.draws[i] ?? []) {
      left0[e] = (left0[e] ?? 0) - pence;
      log.push([e, pence]);
    }
  };
  const undoTo = (length: number) => {
    while (log.length > length) {
      const [e, pence] = log.pop() as [number, number];
      left0[e] = (left0[e] ?? 0) + pence;
    }
  };
  /** The least Y at which B fits on the raised envelopes, or null if an envelope not raised already lacks room. */
  const bNeeds = (): number | null => {
    let need = Number.NEGATIVE_INFINITY;
    for (const [e, pence] of bDraws) {
      const l = left0[e] ?? 0;
      if (varied.has(e)) need = Math.max(need, pence - l);
      else if (l < pence) return null;
    }
    return need;
  };

  const pending: { j: number; t: number; hi: number; logLength: number }[] = [];
  let j = 0;
  let lo = 1;
  let hi = ceiling;
  let steps = 0;
  for (;;) {
    let dead = false;
    for (;;) {
      if (++steps > budget) return { kind: 'undetermined' };
      const need = bNeeds();
      if (need === null) {
        dead = true;
        break;
      }
      lo = Math.max(lo, need);
      if (lo > hi) {
        dead = true;
        break;
      }
      if (j === prefix.length) return { kind: 'found', increasePence: lo };
      const i = prefix[j] as number;
      const other = round.result.ranking[i] as RankedBid;
      if (other.mustFund) {
        take(i);
        j++;
        continue;
      }
      let fitsOthers = other.totalCostPence > 0;
      let threshold = Number.NEGATIVE_INFINITY;
      for (const [e, pence] of round.draws[i] ?? []) {
        const l = left0[e] ?? 0;
        if (varied.has(e)) threshold = Math.max(threshold, pence - l);
        else if (l < pence) fitsOthers = false;
      }
      if (!fitsOthers || threshold > hi) {
        j++;
      } else if (threshold <= lo) {
        take(i);
        j++;
      } else {
        // Below the threshold it is waitlisted (explored first); from it on, funded.
        pending.push({ j, t: threshold, hi, logLength: log.length });
        hi = threshold - 1;
        j++;
      }
    }
    if (dead) {
      const frame = pending.pop();
      if (!frame) return { kind: 'impossible', ceiling };
      undoTo(frame.logLength);
      take(prefix[frame.j] as number);
      j = frame.j + 1;
      lo = frame.t;
      hi = frame.hi;
    }
  }
}

/** B's shortfalls at its turn with these envelopes raised by Y: the walk of the others ahead of it, once. */
function shortfallsAt(subject: Subject, envelopeIds: readonly string[], increasePence: number): string {
  const { round, at } = subject;
  const raised = new Set(envelopeIds.map((id) => round.envelopeIndex.get(id) ?? -1));
  const left = round.start.map((pence, e) => pence + (raised.has(e) ? increasePence : 0));
  const ahead = othersAhead(subject, subject.key);
  for (let j = 0; j < ahead; j++) {
    const i = j < at ? j : j + 1;
    const other = round.result.ranking[i] as RankedBid;
    const draws = round.draws[i] ?? [];
    if (other.mustFund || (other.totalCostPence > 0 && draws.every(([e, pence]) => (left[e] ?? 0) >= pence))) {
      for (const [e, pence] of draws) left[e] = (left[e] ?? 0) - pence;
    }
  }
  return subject.rules
    .flatMap((rule, r) => {
      const e = subject.ruleEnvelopes[r] ?? -1;
      const draw = drawOf(rule, subject.roundCostPence);
      const l = left[e] ?? 0;
      if (l >= draw) return [];
      const where = envelopeName(round.result, rule.envelopeId);
      return [l < 0 ? `${where} would already be ${formatPence(-l)} over` : `it would need ${formatPence(draw)} with ${formatPence(l)} left in ${where}`];
    })
    .join(', and ');
}

// --- Shared. ---

/** The smallest n in [lo, hi] for which a monotone predicate holds, given it holds at hi. */
function smallestTrue(lo: number, hi: number, holds: (n: number) => boolean): number {
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (holds(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The change funds the bid (d = 0) and the change less one unit does not (d = 1), by allocate() itself. */
function verify(subject: Subject, change: string, changed: (less: 0 | 1) => AllocationInput): void {
  if (!subject.verify) return;
  const reference = subject.entry.reference;
  if (outcomeOf(allocate(changed(0)), reference).outcome !== 'funded') throw new WhatItWouldTakeError(reference, `${change} should fund it, but does not`);
  if (outcomeOf(allocate(changed(1)), reference).outcome !== 'waitlisted') throw new WhatItWouldTakeError(reference, `one unit less than ${change} should not fund it, but does`);
}

function ordinal(n: number): string {
  const lastTwo = n % 100;
  if (lastTwo >= 11 && lastTwo <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}
