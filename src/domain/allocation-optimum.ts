// "The best the money could buy": the exact optimum of a funding round as a 0/1 integer
// programme, beside what the round's greedy rule (allocation.ts) funds, and the benefit the rule
// gives up. Solved by HiGHS (the `highs` package, HiGHS compiled to WebAssembly, version pinned in
// package.json), and every answer it gives is checked here in integer pence and hundredths.
//
// The programme, exactly:
//
//   maximise   Σ score_i × x_i               over the bids that are not must-fund, x_i ∈ {0, 1},
//                                             score in hundredths of a point
//   subject to Σ draw_i,e × x_i ≤ money_e − mustFund_e     for every envelope e,
//
// where money_e is what envelope e has left before the round (its envelope less what earlier
// rounds committed), mustFund_e what the must-fund bids draw on it (they are forced in, as in
// allocation), and draw_i,e the bid's draw on e exactly as allocation takes it (the round-year
// cost, all of it on the overall and the ambition envelope, a place's even share on a place's).
//
// Two rules of allocation carry over so that the greedy result is always one of the programme's
// solutions, and the optimum can be compared with it like for like: a bid with no whole-life cost
// cannot be ranked, so is not eligible; and an envelope that the must-fund bids alone take past
// its money funds nothing more, so a bid that draws on it (even £0) is not eligible.
//
// The objective is the total benefit score of the funded bids (must-fund bids included in the
// totals reported, though they are constant): the domain ranks by score per pound, so score is
// the benefit each pound buys. Not score × people reached, which the domain never weighs.
//
// Ties. Many sets can reach the same total. A second solve keeps the total at the optimum
// (a constraint Σ score_i × x_i ≥ optimum) and chooses among the optimal sets, lexicographically,
// (1) the one that changes fewest of the greedy rule's decisions, then (2) the one whose bids rank
// highest under the rule — one integer objective Σ (±K + (n − position_i)) × x_i, + for a bid the
// rule funds and − for one it waitlists, K = n(n+1)/2 + 1 so no rank term can outweigh one change.
// Sets still tied after that (equal total, equal changes, equal sum of positions) are left to
// HiGHS, which is deterministic for a given model; the model is always built in rank order, so the
// answer does not depend on the order of the input.
//
// Exactness. Both solves run with a relative gap of 0 (the objectives are integers, so an absolute
// gap below 1 proves optimality), and we throw an OptimumError unless HiGHS reports "optimal". We
// then round each x_i to 0 or 1 (refusing any further than 1e-6 from both) and recompute, in
// integers, every envelope, the total and the tie-break, refusing a solution that breaks an
// envelope, that is worse than the greedy result (which is always feasible), or whose second
// solve lost benefit.
import highsPackage, { type Highs, type Model, type ModelData } from 'highs';
import { allocate, type AllocationInput, type AllocationResult, type RankedBid } from './allocation.js';
import { formatHundredths, moneyAtStart, mustFundDraws, scoreHundredths } from './allocation-model.js';

type LoadHighs = (typeof highsPackage)['default'];
// highs declares its types as CommonJS, where the loader is module.exports.default, but Node
// loads its ES module build, whose default export is the loader itself. Either way, the loader.
const loadHighsRuntime = ((highsPackage as unknown as { default?: LoadHighs }).default ?? highsPackage) as LoadHighs;

let runtime: Promise<Highs> | undefined;

/** HiGHS, loaded once per process (the WebAssembly module is about 3 MB). */
export function loadHighs(): Promise<Highs> {
  runtime ??= loadHighsRuntime();
  return runtime;
}

export interface OptimumOptions {
  /** Seconds per solve; a solve that runs out throws an OptimumError. Default 60. */
  readonly timeLimitSeconds?: number;
}

export interface FundedSet {
  /** References in rank order, must-fund bids included. */
  readonly funded: readonly string[];
  readonly benefitHundredths: number;
  /** In points: benefitHundredths / 100. */
  readonly benefitScoreTotal: number;
  /** What the set draws on the overall envelope this year. */
  readonly roundCostPence: number;
}

export interface OptimumEnvelope {
  readonly id: string;
  readonly label: string;
  /** What it had left before the round. */
  readonly moneyPence: number;
  readonly optimumPence: number;
  readonly greedyPence: number;
}

export interface AllocationOptimum {
  readonly financialYear: string;
  readonly objective: 'total benefit score of the funded bids';
  readonly optimum: FundedSet;
  readonly greedy: FundedSet;
  /** optimum − greedy: never negative. */
  readonly givenUpHundredths: number;
  readonly givenUp: number;
  /** Funded by the optimum, waitlisted by the rule; in rank order. */
  readonly onlyInOptimum: readonly string[];
  /** Funded by the rule, not by the optimum; in rank order. */
  readonly onlyInGreedy: readonly string[];
  readonly envelopes: readonly OptimumEnvelope[];
  readonly solver: { readonly name: 'HiGHS'; readonly version: string };
  readonly sentence: string;
}

export class OptimumError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptimumError';
  }
}

export function bestTheMoneyCouldBuy(input: AllocationInput, highs: Highs, options: OptimumOptions = {}): AllocationOptimum {
  const result = allocate(input);
  const problem = programmeOf(result);
  const greedyX = problem.columns.map((c) => (c.outcome === 'funded' ? 1 : 0));

  let x: readonly number[] = greedyX;
  if (problem.columns.length > 0) {
    const first = solve(highs, problem, problem.columns.map((c) => c.score), null, greedyX, options);
    const best = check(problem, first.x, 'the first solve');
    if (Math.abs(first.objective - best.benefit) >= 0.5) throw new OptimumError(`HiGHS reported ${first.objective} but its solution is worth ${best.benefit}`);
    if (best.benefit < benefitOf(problem, greedyX)) throw new OptimumError('HiGHS found less benefit than the greedy rule, which is always feasible');

    const second = solve(highs, problem, problem.tieBreak, best.benefit, best.x, options);
    const chosen = check(problem, second.x, 'the second solve');
    if (chosen.benefit !== best.benefit) throw new OptimumError(`the tie-break solve lost benefit: ${chosen.benefit} against ${best.benefit}`);
    if (tieBreakOf(problem, chosen.x) < tieBreakOf(problem, best.x)) throw new OptimumError('the tie-break solve ended worse than where it started');
    x = chosen.x;
  }

  const inOptimum = new Set(problem.columns.filter((_, j) => x[j] === 1).map((c) => c.entry.reference));
  const optimumEntries = result.ranking.filter((r) => r.mustFund || inOptimum.has(r.reference));
  const greedyEntries = result.ranking.filter((r) => r.outcome === 'funded');
  const optimum = fundedSet(optimumEntries);
  const greedy = fundedSet(greedyEntries);
  const givenUpHundredths = optimum.benefitHundredths - greedy.benefitHundredths;
  const spent = (entries: readonly RankedBid[], id: string) => entries.reduce((sum, r) => sum + (r.draws[id] ?? 0), 0);
  const money = moneyAtStart(result);
  return {
    financialYear: result.financialYear,
    objective: 'total benefit score of the funded bids',
    optimum,
    greedy,
    givenUpHundredths,
    givenUp: givenUpHundredths / 100,
    onlyInOptimum: optimumEntries.filter((r) => r.outcome !== 'funded').map((r) => r.reference),
    onlyInGreedy: greedyEntries.filter((r) => !r.mustFund && !inOptimum.has(r.reference)).map((r) => r.reference),
    envelopes: result.envelopes.map((e) => ({
      id: e.id,
      label: e.label,
      moneyPence: money.get(e.id) ?? 0,
      optimumPence: spent(optimumEntries, e.id),
      greedyPence: spent(greedyEntries, e.id),
    })),
    solver: { name: 'HiGHS', version: highs.version.string },
    sentence:
      givenUpHundredths === 0
        ? `The greedy rule already buys the most benefit the money could: ${bidsWorth(greedy)}.`
        : `The greedy rule funds ${bidsWorth(greedy)}; the best the money could buy is ${bidsWorth(optimum)}, so the rule gives up ${formatHundredths(givenUpHundredths)} points.`,
  };
}

/** Loads HiGHS if need be, then bestTheMoneyCouldBuy. */
export async function findOptimum(input: AllocationInput, options: OptimumOptions = {}): Promise<AllocationOptimum> {
  return bestTheMoneyCouldBuy(input, await loadHighs(), options);
}

// --- The programme. ---

interface Column {
  readonly entry: RankedBid;
  readonly outcome: RankedBid['outcome'];
  readonly score: number;
  /** [row, pence] for each envelope row the bid draws a positive amount on. */
  readonly draws: readonly (readonly [number, number])[];
}

interface Programme {
  readonly columns: readonly Column[];
  /** Envelope ids and capacities, one per row. */
  readonly rows: readonly { readonly id: string; readonly capacity: number }[];
  readonly tieBreak: readonly number[];
}

function programmeOf(result: AllocationResult): Programme {
  const money = moneyAtStart(result);
  const mustFund = mustFundDraws(result);
  const capacity = new Map(result.envelopes.map((e) => [e.id, (money.get(e.id) ?? 0) - (mustFund.get(e.id) ?? 0)]));
  const eligible = result.ranking.filter((r) => !r.mustFund && r.totalCostPence > 0 && Object.keys(r.draws).every((id) => (capacity.get(id) ?? 0) >= 0));

  const rowIds = result.envelopes.map((e) => e.id).filter((id) => eligible.some((r) => (r.draws[id] ?? 0) > 0));
  const rowOf = new Map(rowIds.map((id, i) => [id, i]));
  const columns = eligible.map(
    (entry): Column => ({
      entry,
      outcome: entry.outcome,
      score: scoreHundredths(entry.benefitScore),
      draws: Object.entries(entry.draws)
        .filter(([, pence]) => pence > 0)
        .map(([id, pence]): [number, number] => [rowOf.get(id) ?? -1, pence])
        .sort((a, b) => a[0] - b[0]),
    }),
  );
  const n = columns.length;
  const k = (n * (n + 1)) / 2 + 1;
  return {
    columns,
    rows: rowIds.map((id) => ({ id, capacity: capacity.get(id) ?? 0 })),
    tieBreak: columns.map((c, j) => (c.outcome === 'funded' ? k : -k) + (n - j)),
  };
}

function benefitOf(problem: Programme, x: readonly number[]): number {
  return problem.columns.reduce((sum, c, j) => sum + c.score * (x[j] ?? 0), 0);
}

function tieBreakOf(problem: Programme, x: readonly number[]): number {
  return problem.tieBreak.reduce((sum, w, j) => sum + w * (x[j] ?? 0), 0);
}

function solve(
  highs: Highs,
  problem: Programme,
  objective: readonly number[],
  benefitAtLeast: number | null,
  start: readonly number[],
  options: OptimumOptions,
): { x: number[]; objective: number } {
  const n = problem.columns.length;
  const extra = benefitAtLeast === null ? 0 : 1;
  const numRows = problem.rows.length + extra;
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const column of problem.columns) {
    for (const [row, pence] of column.draws) {
      indices.push(row);
      values.push(pence);
    }
    if (benefitAtLeast !== null && column.score > 0) {
      indices.push(problem.rows.length);
      values.push(column.score);
    }
    starts.push(indices.length);
  }
  const data: ModelData = {
    numCols: n,
    numRows,
    sense: highs.constants.objectiveSense.maximize,
    colCost: [...objective],
    colLower: new Array<number>(n).fill(0),
    colUpper: new Array<number>(n).fill(1),
    // The benefit total is a sum of integers, so "at least the optimum less a half" is "at least the optimum".
    rowLower: [...problem.rows.map(() => -highs.infinity), ...(benefitAtLeast === null ? [] : [benefitAtLeast - 0.5])],
    rowUpper: [...problem.rows.map((r) => r.capacity), ...(benefitAtLeast === null ? [] : [highs.infinity])],
    matrix: { format: 'csc', numRows, numCols: n, starts, indices, values },
    integrality: new Array<1>(n).fill(highs.constants.variableType.integer),
  };

  const model: Model = highs.createModel(data);
  try {
    model.options.set({
      output_flag: false,
      mip_rel_gap: 0,
      mip_abs_gap: 0.5,
      mip_feasibility_tolerance: 1e-9,
      time_limit: options.timeLimitSeconds ?? 60,
      random_seed: 0,
    });
    model.setSolution({ colValue: [...start] });
    model.run();
    const status = model.getModelStatus();
    if (status !== highs.constants.modelStatus.optimal) {
      const name = Object.entries(highs.constants.modelStatus).find(([, code]) => code === status)?.[0] ?? String(status);
      throw new OptimumError(`HiGHS did not prove an optimum: its status is ${name}`);
    }
    const raw = model.getSolution().colValue;
    return { x: Array.from(raw), objective: model.getObjectiveValue() };
  } finally {
    model.dispose();
  }
}

/** Rounds HiGHS's solution to 0/1 and checks every envelope in integers. */
function check(problem: Programme, raw: readonly number[], which: string): { x: number[]; benefit: number } {
  const x = raw.map((value, j) => {
    const rounded = Math.round(value);
    if ((rounded !== 0 && rounded !== 1) || Math.abs(value - rounded) > 1e-6) {
      throw new OptimumError(`${which}: HiGHS gave ${problem.columns[j]?.entry.reference ?? j} the value ${value}, not 0 or 1`);
    }
    return rounded;
  });
  const used = problem.rows.map(() => 0);
  problem.columns.forEach((c, j) => {
    if (x[j] === 1) for (const [row, pence] of c.draws) used[row] = (used[row] ?? 0) + pence;
  });
  problem.rows.forEach((row, i) => {
    if ((used[i] ?? 0) > row.capacity) throw new OptimumError(`${which}: HiGHS's solution takes ${used[i]}p from ${row.id}, which has ${row.capacity}p`);
  });
  return { x, benefit: benefitOf(problem, x) };
}

function fundedSet(entries: readonly RankedBid[]): FundedSet {
  const benefitHundredths = entries.reduce((sum, r) => sum + scoreHundredths(r.benefitScore), 0);
  return {
    funded: entries.map((r) => r.reference),
    benefitHundredths,
    benefitScoreTotal: benefitHundredths / 100,
    roundCostPence: entries.reduce((sum, r) => sum + r.roundCostPence, 0),
  };
}

function bidsWorth(set: FundedSet): string {
  const count = set.funded.length;
  return `${count} ${count === 1 ? 'bid' : 'bids'} worth ${formatHundredths(set.benefitHundredths)} points`;
}
