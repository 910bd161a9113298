// A stored score explained and checked, for ICB finance and audit. scoreRecord lays out what a
// score recorded and how its numbers follow from one another; verifyScore runs the same rule set
// version on the stored facts again and compares the bytes. Both read nothing but what they are
// given and the versioned rule set files.
import { z } from '@hono/zod-openapi';
import { canonicalJson } from '../domain/trail.js';
import { canonicalScore, scoreFacts, type ScoreResult } from './engine.js';
import { scoringFactsSchema, type ScoringFacts } from './facts.js';
import { divideRoundingHalfUp } from './fixed-point.js';
import { BAND_IDS, FLAGS, loadRuleSet, ROUTES, RuleSetError, type RuleSetIdentity } from './ruleset.js';

const ruleSetIdentitySchema = z
  .object({
    id: z.string().openapi({ example: 'nw-clinical-prioritisation' }),
    version: z.string().openapi({ example: '1.2.0' }),
    hash: z.string().regex(/^[0-9a-f]{64}$/).openapi({ description: 'sha256 of the canonical JSON of the rule set file', example: '9a59e47e3486291c8226d270a099c94520a3f5bb49f6fffcca0a9ede4e85c84e' }),
  })
  .openapi('RuleSetIdentity');

const ruleReasonSchema = z.object({
  rule: z.string().openapi({ description: 'The rule that fired', example: 'health_gain.evidence_level.nice_guidance' }),
  reason: z.string().openapi({ description: 'The rule’s own wording', example: 'Backed by NICE guidance' }),
});

const criterionRecordSchema = z
  .object({
    id: z.string().openapi({ example: 'health_gain' }),
    label: z.string().openapi({ example: 'Health gain and clinical effectiveness' }),
    weight: z.number().int().openapi({ description: 'The weight the rule set gives the criterion', example: 20 }),
    applicable: z.boolean(),
    score: z.number().nullable().openapi({ description: '0 to 5, to two places; null when not applicable', example: 4.75 }),
    rescaledWeight: z.number().nullable().openapi({
      description: 'The share of the benefit score the criterion carries: weight / Σ(applicable weights) × 100, to two places, halves up; null when not applicable',
      example: 20,
    }),
    weightedScore: z.number().nullable().openapi({ description: 'weight × score, exactly; null when not applicable', example: 95 }),
    contributions: z
      .array(ruleReasonSchema.extend({ points: z.number().openapi({ description: 'Points after the rule’s multiplier, before the criterion is clamped to 0 to 5', example: 2.5 }) }))
      .openapi({ description: 'The scoring rules that fired, with their wording; empty when not applicable' }),
    notApplicableBecause: z.array(ruleReasonSchema).openapi({ description: 'Why the criterion was left out; empty when applicable' }),
  })
  .openapi('ScoreRecordCriterion');

/** What ICB finance needs to see how a stored score came about, from the record alone. */
export const scoreRecordSchema = z
  .object({
    ruleSet: ruleSetIdentitySchema,
    // A copy made with the extended z: the facts schema may have been made before the extension.
    facts: z.strictObject(scoringFactsSchema.shape).openapi({ description: 'The exact facts the rule set was given' }),
    criteria: z.array(criterionRecordSchema).openapi({ description: 'Every criterion of the rule set, in its order' }),
    weighting: z
      .object({
        totalWeight: z.number().int().openapi({ example: 100 }),
        applicableWeight: z.number().int().openapi({ description: 'Σ of the weights of the applicable criteria: what the weights are rescaled over', example: 100 }),
        weightedSum: z.number().openapi({ description: 'Σ(weight × score) over the applicable criteria', example: 414.5 }),
        maximum: z.number().int().openapi({ description: '5 × applicableWeight: the weighted sum of a bid scoring 5 on every applicable criterion', example: 500 }),
        benefitScore: z.number().openapi({ description: 'weightedSum / maximum × 100, to two places, halves up', example: 82.9 }),
        explanation: z.string().openapi({ example: 'Σ(weight × score) = 414.50 over 8 applicable criteria of 8; 414.50 / (5 × 100) × 100 = 82.90' }),
      })
      .openapi({ description: 'The weighted sum and the rescaling over the applicable criteria' }),
    band: z.object({
      id: z.enum(BAND_IDS),
      label: z.string(),
      advice: z.string(),
      from: z.number().openapi({ description: 'The lowest benefit score in the band, by the rule set', example: 75 }),
    }),
    flags: z.object({ mustFund: z.boolean(), safetyEscalation: z.boolean(), valueJustificationRequired: z.boolean(), valueNoted: z.boolean() }),
    flagReasons: z.array(ruleReasonSchema.extend({ flag: z.enum(FLAGS) })).openapi({ description: 'Each hard-rule flag raised, with the rule that raised it' }),
    delegation: ruleReasonSchema.extend({ route: z.enum(ROUTES) }).openapi({ description: 'Where the scheme of delegation routes the bid, and why' }),
    firedRules: z.array(z.string()).openapi({ description: 'Every rule whose conditions held, sorted' }),
  })
  .openapi('ScoreRecord', { description: 'A stored score explained: the rule set, the facts, each criterion and the rules that fired, the weighting, band, flags and delegation' });

export type ScoreRecord = z.infer<typeof scoreRecordSchema>;

/** Whether re-running the stored score's rule set version on its stored facts gives its bytes. */
export const scoreVerificationSchema = z
  .object({
    match: z.boolean().openapi({ description: 'True when the recomputed canonical JSON equals the stored one, byte for byte' }),
    firstDifference: z
      .object({
        path: z.string().openapi({
          description: 'Where the two first differ, such as facts.core20Percent or criteria[1].score. The rule set and the facts are compared before what follows from them, so a changed input is named rather than its effects; "" when only the bytes differ',
          example: 'facts.core20Percent',
        }),
        recorded: z.unknown().optional().openapi({ description: 'The value in the stored score; absent when the stored score has nothing there' }),
        recomputed: z.unknown().optional().openapi({ description: 'The value on re-running; absent when the re-run has nothing there' }),
      })
      .nullable(),
    error: z.string().optional().openapi({ description: 'Why the stored facts could not be scored again, when they could not' }),
  })
  .openapi('ScoreVerification');

export type ScoreVerification = z.infer<typeof scoreVerificationSchema>;

export class ScoreRecordError extends Error {
  override readonly name: string = 'ScoreRecordError';
}

const twoPlaces = (hundredths: number) => (hundredths / 100).toFixed(2);

/**
 * The explanation of a stored score: the facts, the stored result and the rule set it names.
 * Refuses a record whose parts disagree (facts other than the result's, another rule set,
 * criterion scores that do not give its benefit score): run verifyScore on such a record.
 */
export function scoreRecord(stored: { facts: unknown; result: ScoreResult; ruleSet: RuleSetIdentity }): ScoreRecord {
  const { result } = stored;
  const name = `${stored.ruleSet.id}@${stored.ruleSet.version}`;
  const same = (a: RuleSetIdentity, b: RuleSetIdentity) => a.id === b.id && a.version === b.version && a.hash === b.hash;
  if (!same(result.ruleSet, stored.ruleSet)) {
    throw new ScoreRecordError(`the stored score names rule set ${result.ruleSet.id}@${result.ruleSet.version} (${result.ruleSet.hash}), not ${name} (${stored.ruleSet.hash})`);
  }
  if (canonicalJson(stored.facts) !== canonicalJson(result.facts)) {
    throw new ScoreRecordError('the stored facts are not the facts the stored result records');
  }
  const facts = stored.facts as ScoringFacts;

  const applicable = result.criteria.filter((c) => c.applicable && c.score !== null);
  const applicableWeight = applicable.reduce((sum, c) => sum + c.weight, 0);
  const totalWeight = result.criteria.reduce((sum, c) => sum + c.weight, 0);
  // Σ(weight × score in hundredths): exact integers, as the engine weighs them.
  const weightedHundredths = applicable.reduce((sum, c) => sum + c.weight * Math.round(c.score! * 100), 0);
  if (applicableWeight === 0) throw new ScoreRecordError(`the stored score of ${name} has no applicable criterion`);
  const benefitHundredths = divideRoundingHalfUp(weightedHundredths * 20, applicableWeight);
  if (benefitHundredths !== Math.round(result.benefitScore * 100)) {
    throw new ScoreRecordError(`the stored criteria give a benefit score of ${twoPlaces(benefitHundredths)}, but the stored score says ${result.benefitScore}`);
  }
  const band = loadRuleSet(stored.ruleSet.id, stored.ruleSet.version).definition.bands.find((b) => b.id === result.band.id);
  if (!band) throw new RuleSetError(`${name} has no band ${result.band.id}`);

  return {
    ruleSet: { id: result.ruleSet.id, version: result.ruleSet.version, hash: result.ruleSet.hash },
    facts,
    criteria: result.criteria.map((c) => {
      const counts = c.applicable && c.score !== null;
      return {
        id: c.id,
        label: c.label,
        weight: c.weight,
        applicable: c.applicable,
        score: c.score,
        rescaledWeight: counts ? divideRoundingHalfUp(c.weight * 10_000, applicableWeight) / 100 : null,
        weightedScore: counts ? (c.weight * Math.round(c.score! * 100)) / 100 : null,
        contributions: c.contributions.map((x) => ({ rule: x.rule, points: x.points, reason: x.reason })),
        notApplicableBecause: c.notApplicableBecause.map((n) => ({ rule: n.rule, reason: n.reason })),
      };
    }),
    weighting: {
      totalWeight,
      applicableWeight,
      weightedSum: weightedHundredths / 100,
      maximum: 5 * applicableWeight,
      benefitScore: result.benefitScore,
      explanation:
        `Σ(weight × score) = ${twoPlaces(weightedHundredths)} over ${applicable.length} applicable criteria of ${result.criteria.length}; ` +
        `${twoPlaces(weightedHundredths)} / (5 × ${applicableWeight}) × 100 = ${twoPlaces(benefitHundredths)}`,
    },
    band: { id: result.band.id, label: result.band.label, advice: result.band.advice, from: band.min },
    flags: { ...result.flags },
    flagReasons: result.flagReasons.map((f) => ({ flag: f.flag, rule: f.rule, reason: f.reason })),
    delegation: { route: result.delegation, rule: result.delegationReason.rule, reason: result.delegationReason.reason },
    firedRules: [...result.firedRules],
  };
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Difference = NonNullable<ScoreVerification['firstDifference']>;

/** The inputs first, so a corrupted fact is named rather than the score it moved. */
const TOP_LEVEL_FIRST = ['ruleSet', 'facts'];
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function firstDifference(recorded: Json | undefined, recomputed: Json | undefined, path: string, top = false): Difference | null {
  const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);
  const at = (): Difference => ({ path, ...(recorded === undefined ? {} : { recorded }), ...(recomputed === undefined ? {} : { recomputed }) });
  if (Array.isArray(recorded) && Array.isArray(recomputed)) {
    for (let i = 0; i < Math.max(recorded.length, recomputed.length); i++) {
      const found = firstDifference(recorded[i], recomputed[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (isObject(recorded) && isObject(recomputed)) {
    const keys = [...new Set([...Object.keys(recorded), ...Object.keys(recomputed)])].sort((a, b) => {
      const [x, y] = top ? [TOP_LEVEL_FIRST.indexOf(a), TOP_LEVEL_FIRST.indexOf(b)] : [-1, -1];
      if (x !== y) return (x === -1 ? TOP_LEVEL_FIRST.length : x) - (y === -1 ? TOP_LEVEL_FIRST.length : y);
      return byCodeUnits(a, b);
    });
    for (const key of keys) {
      const found = firstDifference(recorded[key], recomputed[key], path ? `${path}.${key}` : key);
      if (found) return found;
    }
    return null;
  }
  return recorded === recomputed ? null : at();
}

/**
 * Re-runs rule set id@version on the stored facts and compares the result with the stored
 * canonical JSON, byte for byte. When they differ, names the first place they do. Facts that
 * no longer pass validation cannot be scored again: the difference is then found between them
 * and the facts the stored score records, and the error says what is wrong with them.
 */
export async function verifyScore(storedFacts: unknown, storedCanonical: string, ruleSetId: string, version: string): Promise<ScoreVerification> {
  let recorded: Json;
  try {
    recorded = JSON.parse(storedCanonical) as Json;
  } catch (error) {
    throw new ScoreRecordError(`the stored canonical score is not JSON: ${(error as Error).message}`);
  }
  const ruleSet = loadRuleSet(ruleSetId, version);
  let recomputedText: string;
  try {
    // The reference engine, not the compiled evaluator that scored it: a match also shows the two agree.
    recomputedText = canonicalScore(await scoreFacts(ruleSet, storedFacts as ScoringFacts, { evaluator: 'json-rules-engine' }));
  } catch (error) {
    const recordedFacts = typeof recorded === 'object' && recorded !== null && !Array.isArray(recorded) ? recorded.facts : undefined;
    const given = JSON.parse(JSON.stringify(storedFacts ?? null)) as Json;
    return {
      match: false,
      firstDifference: firstDifference(recordedFacts, given, 'facts') ?? { path: 'facts' },
      error: (error as Error).message,
    };
  }
  if (recomputedText === storedCanonical) return { match: true, firstDifference: null };
  const found = firstDifference(recorded, JSON.parse(recomputedText) as Json, '', true);
  return { match: false, firstDifference: found ?? { path: '', recorded: storedCanonical, recomputed: recomputedText } };
}
