// How fast bids are scored: N generated bids (the same seeded bids every run) through the
// rules, one after another on one thread, as the scoring activity does it (derive the facts,
// score them, write the canonical JSON). Beside it, in the same run, a floor: json-rules-engine
// alone running the same rules on the same facts with an engine built once. The ratio says how
// much the scoring adds to the engine. Scoring could not run faster than that floor while every
// bid went through json-rules-engine, so it runs the rule set compiled (src/rules/compiled.ts);
// the same scoring through json-rules-engine, as verification runs it, is timed beside it, and the
// two must give the same bytes before anything is timed.
// Bids per CPU-second are reported beside wall-clock because the machine may be shared.
// Measures speed only; it is not a test.
//
// Run: npm run bench:scoring [-- --bids 20000 --rule-set nw-clinical-prioritisation@1.0.0]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Engine } from 'json-rules-engine';
import { bidSubmissionSchema, type Bid } from '../src/domain/bid.js';
import { AMBITIONS, BID_KINDS, CORE20PLUS5_AREAS, EVIDENCE_LEVELS, LEVELS, PLACES, STATUTORY_MANDATES } from '../src/domain/vocabulary.js';
import { canonicalScore, deriveFacts, engineRules, loadRuleSet, scoreFacts, type Evaluator, type HubRatings, type ScoringFacts } from '../src/rules/engine.js';

const { values: args } = parseArgs({
  options: {
    bids: { type: 'string', default: '20000' },
    'rule-set': { type: 'string', default: 'nw-clinical-prioritisation@1.0.0' },
    rounds: { type: 'string', default: '5' },
  },
});
const BIDS = Number(args.bids);
const ROUNDS = Number(args.rounds);
const [ruleSetId = '', ruleSetVersion = ''] = args['rule-set'].split('@');
const SCORED_ON = '2026-11-02';
const SEED = 20_260_401;

/** mulberry32: a small seeded generator, so every run scores the same bids. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function generate(random: () => number, count: number): { bid: Bid; ratings: HubRatings }[] {
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[between(0, items.length - 1)] as T;
  const some = <T>(items: readonly T[]): T[] => items.filter(() => random() < 0.3);
  const rating = () => (random() < 0.1 ? null : between(0, 500) / 100);
  const day = (offset: number) => new Date(Date.parse(`${SCORED_ON}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);

  return Array.from({ length: count }, (_, i) => {
    const primaryAmbition = pick(AMBITIONS);
    const mandate = random() < 0.05 ? pick(STATUTORY_MANDATES) : 'none';
    const years = between(1, 4);
    const bid: Bid = {
      ...bidSubmissionSchema.parse({
        title: `Benchmark bid ${i + 1}`,
        summary: 'A bid generated to measure how fast the rules score.',
        leadOrganisation: 'NNUH',
        places: [pick(PLACES)],
        primaryAmbition,
        secondaryAmbitions: some(AMBITIONS).filter((a) => a !== primaryAmbition),
        level: pick(LEVELS),
        kind: pick(BID_KINDS),
        costs: Array.from({ length: years }, (_, y) => ({
          financialYear: `${2026 + y}/${String(27 + y).padStart(2, '0')}`,
          recurrentPence: between(0, 60_000_000),
          nonRecurrentPence: random() < 0.5 ? 0 : between(0, 10_000_000),
        })),
        peopleReachedPerYear: random() < 0.05 ? 0 : between(1, 50_000),
        core20Percent: between(0, 10_000) / 100,
        plusGroups: some(['carers', 'people experiencing homelessness', 'Gypsy, Roma and Traveller communities']),
        core20plus5Areas: some(CORE20PLUS5_AREAS),
        evidenceLevel: pick(EVIDENCE_LEVELS),
        costPerQalyPence: random() < 0.3 ? null : between(0, 8_000_000),
        statutoryMandate: mandate === 'none' ? { type: 'none' } : { type: mandate, reference: 'NICE TA123' },
        riskOfNotFunding: { likelihood: between(1, 5), impact: between(1, 5) },
        evaluationPlan:
          random() < 0.2
            ? null
            : { outcomeMeasures: some(['quit rate at 4 weeks', 'admissions avoided']), baselineData: random() < 0.5 ? '' : 'Admissions, 2024/25', method: random() < 0.5 ? '' : 'Interrupted time series' },
        workforceWte: between(0, 6000) / 100,
        startDate: day(between(-60, 720)),
      }),
      reference: `NW-2026-${String(i + 1).padStart(5, '0')}`,
    };
    return { bid, ratings: { evidenceQuality: rating(), deliverability: rating(), qualityAndSafety: rating() } };
  });
}

const ruleSet = loadRuleSet(ruleSetId, ruleSetVersion);
const inputs = generate(seeded(SEED), BIDS);
const factsOf: ScoringFacts[] = inputs.map(({ bid, ratings }) => deriveFacts(bid, ratings, SCORED_ON));

/** The scoring activity's work, without the database: facts, score, canonical bytes. */
async function scoreAllWith(evaluator: Evaluator): Promise<number> {
  let bytes = 0;
  for (const { bid, ratings } of inputs) {
    const result = await scoreFacts(ruleSet, deriveFacts(bid, ratings, SCORED_ON), { evaluator });
    bytes += canonicalScore(result).length;
  }
  return bytes;
}
const scoreAll = () => scoreAllWith('compiled');
const scoreAllByEngine = () => scoreAllWith('json-rules-engine');

/** The floor: json-rules-engine alone, one engine built before timing, on the same facts. */
const engine = new Engine(structuredClone(engineRules(ruleSet.definition)), { replaceFactsInEventParams: true, allowUndefinedFacts: false });
async function engineAll(): Promise<number> {
  let fired = 0;
  for (const facts of factsOf) fired += (await engine.run(facts)).results.length;
  return fired;
}

interface Rates {
  /** Bids per second of wall-clock time: what a caller waits. */
  wall: number;
  /** Bids per second of this process's CPU time: steadier on a shared machine, where other work takes turns on the core. */
  cpu: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** One timed pass over every bid: bids per second of wall-clock and of CPU time. */
async function timed(run: () => Promise<number>): Promise<{ wall: number; cpu: number; check: number }> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const check = await run();
  const wall = BIDS / ((performance.now() - started) / 1000);
  const used = process.cpuUsage(cpuBefore);
  return { wall, cpu: BIDS / ((used.user + used.system) / 1e6), check };
}

// A warm-up of each lets the JIT see the code before it is timed. The rounds alternate, so a
// busy moment on a shared machine falls on both rather than on one.
let bytes = await scoreAll();
if ((await scoreAllByEngine()) !== bytes) throw new Error('the compiled evaluator and json-rules-engine gave different scores');
let fired = await engineAll();
const rounds: { scoring: Rates; reference: Rates; floor: Rates }[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const s = await timed(scoreAll);
  const r = await timed(scoreAllByEngine);
  const f = await timed(engineAll);
  bytes = s.check;
  fired = f.check;
  rounds.push({ scoring: s, reference: r, floor: f });
}
const scoring: Rates = { wall: median(rounds.map((r) => r.scoring.wall)), cpu: median(rounds.map((r) => r.scoring.cpu)) };
const reference: Rates = { wall: median(rounds.map((r) => r.reference.wall)), cpu: median(rounds.map((r) => r.reference.cpu)) };
const floor: Rates = { wall: median(rounds.map((r) => r.floor.wall)), cpu: median(rounds.map((r) => r.floor.cpu)) };
/** Each round's own ratio, then the median: steadier than a ratio of medians taken at different moments. */
const ratio = median(rounds.map((r) => r.scoring.cpu / r.floor.cpu));

const n = (x: number) => Math.round(x).toLocaleString('en-GB');
const line = (what: string, r: Rates) => `  ${what.padEnd(54)} ${n(r.cpu).padStart(7)} bids per CPU-second, ${n(r.wall).padStart(7)} bids/s wall-clock`;
console.log(`Scoring ${n(BIDS)} generated bids (seed ${SEED}) with ${ruleSetId}@${ruleSetVersion} on one thread, Node ${process.version}`);
console.log(`  median of ${ROUNDS} timed rounds of each, alternating, after a warm-up; ${n(bytes)} bytes of canonical JSON, ${n(fired)} rules fired a round`);
console.log(line('scoring (derive facts, score, canonical JSON)', scoring));
console.log(line('the same through json-rules-engine (as verify runs it)', reference));
console.log(line('floor (json-rules-engine alone, engine built once)', floor));
console.log(`  scoring / floor: ${ratio.toFixed(2)} (median of each round's ratio of bids per CPU-second); goal: scoring ≥ 5,000 bids per CPU-second`);
