// Rules-based clinical scoring: runs a versioned rule set over a bid's facts with
// json-rules-engine and turns what fired into criterion scores, a benefit score, a band,
// the hard-rule flags and the delegation route. Same rule set and facts, same bytes.
import { Engine } from 'json-rules-engine';
import { canonicalJson } from '../domain/trail.js';
import { fireCompiled } from './compiled.js';
import { parseFacts, type ScoringFacts } from './facts.js';
import { divideRoundingHalfUp, toHundredths } from './fixed-point.js';
import {
  engineRules,
  RuleSetError,
  type BandId,
  type Flag,
  type LoadedRuleSet,
  type Route,
  type RuleSetDefinition,
  type RuleSetIdentity,
} from './ruleset.js';

export { deriveFacts, type HubRatings, type ScoringFacts } from './facts.js';
export { ruleSetCatalogue, ruleSetInForce, type RuleSetCatalogueEntry, type RuleSetChoice, type RuleSetInForce } from './in-force.js';
export {
  DEFAULT_RULE_SET_ID,
  defaultRuleSet,
  engineRules,
  isDraft,
  listRuleSets,
  loadRuleSet,
  parseRuleSet,
  RuleSetError,
  UnknownRuleSetError,
  type BandId,
  type Flag,
  type LoadedRuleSet,
  type Route,
  type RuleSetDefinition,
  type RuleSetIdentity,
} from './ruleset.js';

export interface Contribution {
  rule: string;
  /** Points after the rule's multiplier, before the criterion is clamped to 0..5. */
  points: number;
  reason: string;
}

export interface CriterionScore {
  id: string;
  label: string;
  weight: number;
  applicable: boolean;
  /** 0..5 to two decimal places; null when not applicable. */
  score: number | null;
  /** Empty when not applicable: a criterion left out of the score has nothing to explain. */
  contributions: Contribution[];
  /** Why the criterion was left out; empty when it is applicable. */
  notApplicableBecause: { rule: string; reason: string }[];
}

export interface ScoreResult {
  ruleSet: RuleSetIdentity;
  facts: ScoringFacts;
  /** In the rule set's order. */
  criteria: CriterionScore[];
  /** 0..100 to two decimal places, over the applicable criteria only. */
  benefitScore: number;
  band: { id: BandId; label: string; advice: string };
  flags: { mustFund: boolean; safetyEscalation: boolean; valueJustificationRequired: boolean; valueNoted: boolean };
  /** Each raised flag with the rule that raised it, sorted by flag and then rule. */
  flagReasons: { flag: Flag; rule: string; reason: string }[];
  delegation: Route;
  delegationReason: { rule: string; reason: string };
  /** Names of every rule whose conditions held, sorted. */
  firedRules: string[];
}

const MAX_SCORE_TEN_THOUSANDTHS = 5 * 10_000;

/** Code-unit order: the same on every machine, unlike localeCompare. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface FiredRule {
  rule: string;
  type: string;
  params: Record<string, unknown>;
}

interface CriterionTally {
  /** Points × multiplier in ten-thousandths: hundredths of points times hundredths of multiplier. */
  tenThousandths: number;
  contributions: Contribution[];
  notApplicable: { rule: string; reason: string }[];
  /** Which rule scored each component, to catch tiers that overlap. */
  components: Map<string, string>;
}

interface Tally {
  criteria: Map<string, CriterionTally>;
  flags: ScoreResult['flagReasons'];
  routes: { route: Route; rule: string; reason: string }[];
}

/**
 * Which evaluator decides which rules hold. `compiled` (the default, for scoring) runs the rule
 * set's conditions compiled once into functions (compiled.ts); `json-rules-engine` runs the
 * reference engine itself, as every re-derivation does, so each verification is also a check
 * that the two agree. The result is the same bytes either way.
 */
export type Evaluator = 'compiled' | 'json-rules-engine';

/** Scores facts with a rule set. Depends on nothing else: not the clock, not the order rules fire in. */
export async function scoreFacts(ruleSet: LoadedRuleSet, facts: ScoringFacts, options: { evaluator?: Evaluator } = {}): Promise<ScoreResult> {
  const { definition, identity } = ruleSet;
  const name = `${identity.id}@${identity.version}`;
  const checked = parseFacts(facts);

  const fired = options.evaluator === 'json-rules-engine' ? await fire(definition, checked) : fireCompiled(definition, checked).sort((a, b) => byCodeUnits(a.rule, b.rule));
  const tally = tallyEvents(name, definition, fired);
  const { criteria, benefitHundredths } = weigh(name, definition, tally.criteria);
  // Bands are validated to run from the top down and end at 0, so one always matches.
  const band = definition.bands.find((b) => benefitHundredths >= toHundredths(b.min, `band ${b.id}`))!;

  const [delegation, ...others] = tally.routes;
  if (!delegation || others.length > 0) {
    const which = tally.routes.map((r) => r.rule).join(', ') || 'none';
    throw new RuleSetError(`${name}: exactly one delegation rule must fire, but ${which} did (total ${checked.totalPence} pence)`);
  }
  const raised = new Set(tally.flags.map((f) => f.flag));

  return {
    ruleSet: { id: identity.id, version: identity.version, hash: identity.hash },
    facts: checked,
    criteria,
    benefitScore: benefitHundredths / 100,
    band: { id: band.id, label: band.label, advice: band.advice },
    flags: {
      mustFund: raised.has('must_fund'),
      safetyEscalation: raised.has('safety_escalation'),
      valueJustificationRequired: raised.has('value_justification_required'),
      valueNoted: raised.has('value_noted'),
    },
    flagReasons: tally.flags,
    delegation: delegation.route,
    delegationReason: { rule: delegation.rule, reason: delegation.reason },
    firedRules: fired.map((f) => f.rule),
  };
}

/**
 * json-rules-engine engines for each rule set, built once and reused: building one (every rule
 * and condition object) cost about a third of scoring a bid. Keyed by the frozen definition
 * itself rather than by its hash, so an engine can only ever run the rules it was built from;
 * the catalogue hands out one definition per version, so each version builds its engines once.
 *
 * An engine runs one fact set at a time. Engine.run keeps each run's facts and results in a
 * fresh Almanac, but it also sets a status on the engine that every run shares: a run that
 * finishes while another, started later, has not yet begun evaluating marks the engine
 * finished, and the later run then skips every rule. Runs interleave whenever scoring is
 * awaited concurrently, so each run takes an idle engine of its own and gives it back after.
 */
const idleEngines = new WeakMap<RuleSetDefinition, Engine[]>();
/** Idle engines kept per rule set. Runs beyond this many at once build an engine for the moment, then drop it. */
const MAX_IDLE_ENGINES = 8;

function buildEngine(definition: RuleSetDefinition): Engine {
  // json-rules-engine keeps and may annotate what it is given: hand it a copy, never the frozen definition.
  return new Engine(structuredClone(engineRules(definition)), { replaceFactsInEventParams: true, allowUndefinedFacts: false });
}

/** The rules whose conditions hold, with fact references in their params resolved, sorted by name. */
async function fire(definition: RuleSetDefinition, facts: ScoringFacts): Promise<FiredRule[]> {
  // Only a frozen definition can be trusted to stay the one its engines were built from.
  let idle = Object.isFrozen(definition) ? idleEngines.get(definition) : undefined;
  if (!idle && Object.isFrozen(definition)) idleEngines.set(definition, (idle = []));
  const engine = idle?.pop() ?? buildEngine(definition);
  // The facts are validated and frozen, and json-rules-engine only reads them: no copy needed.
  const { results } = await engine.run(facts);
  // Given back only after a run that completed: one that threw is not trusted again.
  if (idle && idle.length < MAX_IDLE_ENGINES) idle.push(engine);
  return results
    .map((r) => ({ rule: String(r.name), type: String(r.event?.type), params: (r.event?.params ?? {}) as Record<string, unknown> }))
    .sort((a, b) => byCodeUnits(a.rule, b.rule));
}

/** Sorts what fired into criterion points, flags and routes; refuses what only a broken rule set could fire. */
function tallyEvents(name: string, definition: RuleSetDefinition, fired: FiredRule[]): Tally {
  const tally: Tally = {
    criteria: new Map(definition.criteria.map((c) => [c.id, { tenThousandths: 0, contributions: [], notApplicable: [], components: new Map() }])),
    flags: [],
    routes: [],
  };
  const criterion = (id: unknown, rule: string): CriterionTally => {
    const found = tally.criteria.get(String(id));
    if (!found) throw new RuleSetError(`${name}: rule ${rule} names no criterion of the rule set: ${String(id)}`);
    return found;
  };

  for (const { rule, type, params } of fired) {
    const reason = String(params.reason);
    switch (type) {
      case 'score': {
        const t = criterion(params.criterion, rule);
        const component = String(params.component);
        const earlier = t.components.get(component);
        if (earlier) {
          throw new RuleSetError(`${name}: rules ${earlier} and ${rule} both scored ${String(params.criterion)}.${component}; its tiers overlap`);
        }
        t.components.set(component, rule);
        if (typeof params.points !== 'number') {
          throw new RuleSetError(`${name}: rule ${rule} fired without a number of points (${JSON.stringify(params.points)}); its conditions must rule that out`);
        }
        const multiplier = typeof params.multiplier === 'number' ? params.multiplier : 1;
        const tenThousandths = toHundredths(params.points, `points of rule ${rule}`) * toHundredths(multiplier, `multiplier of rule ${rule}`);
        t.tenThousandths += tenThousandths;
        t.contributions.push({ rule, points: tenThousandths / 10_000, reason });
        break;
      }
      case 'not_applicable':
        criterion(params.criterion, rule).notApplicable.push({ rule, reason });
        break;
      case 'flag':
        tally.flags.push({ flag: params.flag as Flag, rule, reason });
        break;
      case 'delegation':
        tally.routes.push({ route: params.route as Route, rule, reason });
        break;
      default:
        throw new RuleSetError(`${name}: rule ${rule} fired an event of unknown type ${type}`);
    }
  }
  tally.flags.sort((a, b) => byCodeUnits(a.flag, b.flag) || byCodeUnits(a.rule, b.rule));
  return tally;
}

/**
 * Each criterion clamped to 0..5 and rounded to hundredths, then the benefit score over the
 * applicable ones: Σ(weight × score / 5) / Σweight × 100, which in hundredths of a point is
 * Σ(weight × score in hundredths) × 20 / Σweight. Rounding the criteria first means anyone can
 * recompute the benefit score from the criterion scores the result shows.
 */
function weigh(name: string, definition: RuleSetDefinition, tallies: Map<string, CriterionTally>) {
  let weightedHundredths = 0;
  let applicableWeight = 0;
  const criteria = definition.criteria.map((c): CriterionScore => {
    const t = tallies.get(c.id)!;
    const applicable = t.notApplicable.length === 0;
    let score: number | null = null;
    if (applicable) {
      const hundredths = divideRoundingHalfUp(Math.min(Math.max(t.tenThousandths, 0), MAX_SCORE_TEN_THOUSANDTHS), 100);
      score = hundredths / 100;
      weightedHundredths += c.weight * hundredths;
      applicableWeight += c.weight;
    }
    return {
      id: c.id,
      label: c.label,
      weight: c.weight,
      applicable,
      score,
      contributions: applicable ? t.contributions : [],
      notApplicableBecause: t.notApplicable,
    };
  });
  if (applicableWeight === 0) {
    throw new RangeError(`${name}: no criterion is applicable to these facts, so there is no benefit score`);
  }
  return { criteria, benefitHundredths: divideRoundingHalfUp(weightedHundredths * 20, applicableWeight) };
}

/** The result as RFC 8785 canonical JSON: what the decision trail stores and compares. */
export function canonicalScore(result: ScoreResult): string {
  return canonicalJson(result);
}
