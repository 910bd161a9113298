// Rule sets as versioned data: the schema a rule set file must meet, its content hash, and the
// catalogue of files in ./rulesets/, named <id>@<version>.json and never edited once used.
import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { canonicalJson, sha256 } from '../domain/trail.js';
import { FACT_NAMES, RATING_FACTS, type FactName } from './facts.js';

export const DEFAULT_RULE_SET_ID = 'nw-clinical-prioritisation';

export const BAND_IDS = ['high', 'medium', 'low', 'not_support'] as const;
export type BandId = (typeof BAND_IDS)[number];
export const FLAGS = ['must_fund', 'safety_escalation', 'value_justification_required', 'value_noted'] as const;
export type Flag = (typeof FLAGS)[number];
export const ROUTES = ['assembly', 'finance_confirmation', 'board'] as const;
export type Route = (typeof ROUTES)[number];

/** json-rules-engine's operators that make sense on scalar facts (contains needs list facts; we have none). */
export const OPERATORS = ['equal', 'notEqual', 'in', 'notIn', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive'] as const;
export type Operator = (typeof OPERATORS)[number];
const NUMERIC_OPERATORS: readonly Operator[] = ['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive'];
const LIST_OPERATORS: readonly Operator[] = ['in', 'notIn'];

type Scalar = string | number | boolean | null;
export interface FactCondition {
  fact: FactName;
  operator: Operator;
  value: Scalar | (string | number)[];
}
export type BooleanCondition = { all: Condition[] } | { any: Condition[] } | { not: Condition };
export type Condition = FactCondition | BooleanCondition;

const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const VERSION_PATTERN = /^\d+\.\d+\.\d+$/;
const SNAKE = /^[a-z][a-z0-9_]*$/;
const RULE_NAME = /^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*$/;

const text = z.string().trim().min(1, 'must not be empty');
const twoPlaces = (n: number) => Math.round(n * 100) / 100 === n;
const pence = z.number().int('must be a whole number of pence').min(0);

const conditionValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.union([z.string(), z.number()])).min(1)]);

// One object shape for every kind of condition, checked afterwards, so a mistake deep in a
// nested condition is reported at its own path rather than as "no union member matched".
const condition: z.ZodType<Condition> = z.lazy(() =>
  z
    .strictObject({
      fact: z.enum(FACT_NAMES).optional(),
      operator: z.enum(OPERATORS).optional(),
      value: conditionValue.optional(),
      all: z.array(condition).min(1).optional(),
      any: z.array(condition).min(1).optional(),
      not: condition.optional(),
    })
    .superRefine((c, ctx) => {
      const forms = (['fact', 'all', 'any', 'not'] as const).filter((k) => k in c);
      if (forms.length !== 1) {
        ctx.addIssue({ code: 'custom', message: 'must be exactly one of: a fact condition, all, any, not' });
        return;
      }
      if (forms[0] !== 'fact') {
        for (const key of ['operator', 'value'] as const) {
          if (key in c) ctx.addIssue({ code: 'custom', path: [key], message: `belongs to a fact condition, not to ${forms[0]}` });
        }
        return;
      }
      if (c.operator === undefined) ctx.addIssue({ code: 'custom', path: ['operator'], message: 'is required' });
      if (!('value' in c)) {
        ctx.addIssue({ code: 'custom', path: ['value'], message: 'is required' });
      } else if (c.operator && NUMERIC_OPERATORS.includes(c.operator) && typeof c.value !== 'number') {
        ctx.addIssue({ code: 'custom', path: ['value'], message: `must be a number for ${c.operator}` });
      } else if (c.operator && LIST_OPERATORS.includes(c.operator) !== Array.isArray(c.value)) {
        ctx.addIssue({ code: 'custom', path: ['value'], message: `must ${Array.isArray(c.value) ? 'not ' : ''}be a list for ${c.operator}` });
      }
    })
    .transform((c) => c as Condition),
);

const topLevelCondition = condition.refine((c) => !('fact' in c), 'must be all, any or not at the top of a rule') as z.ZodType<BooleanCondition>;

const points = z.union([
  z.number().refine(twoPlaces, 'must have at most two decimal places'),
  z.strictObject({ fact: z.enum(RATING_FACTS) }),
]);

const event = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('score'),
    params: z.strictObject({
      criterion: text,
      /** The part of the criterion this rule is one tier of; at most one tier per component may fire. */
      component: z.string().regex(SNAKE, 'must be snake_case'),
      points,
      multiplier: z.number().positive().refine(twoPlaces, 'must have at most two decimal places').optional(),
      reason: text,
    }),
  }),
  z.strictObject({ type: z.literal('not_applicable'), params: z.strictObject({ criterion: text, reason: text }) }),
  z.strictObject({ type: z.literal('flag'), params: z.strictObject({ flag: z.enum(FLAGS), reason: text }) }),
  z.strictObject({ type: z.literal('delegation'), params: z.strictObject({ route: z.enum(ROUTES), reason: text }) }),
]);

const rule = z.strictObject({
  name: z.string().regex(RULE_NAME, 'must be dotted snake_case, such as health_gain.evidence_level.rct'),
  conditions: topLevelCondition,
  event,
});

export const ruleSetSchema = z
  .strictObject({
    id: z.string().regex(ID_PATTERN, 'must be kebab-case, such as nw-clinical-prioritisation'),
    version: z.string().regex(VERSION_PATTERN, 'must be major.minor.patch, such as 1.0.0'),
    title: text,
    /** A draft is for what-if runs (consultation); it never scores live bids until released. */
    status: z.enum(['released', 'draft']).optional(),
    effectiveFrom: z.iso.date(),
    description: text,
    criteria: z
      .array(
        z.strictObject({
          id: z.string().regex(SNAKE, 'must be snake_case'),
          label: text,
          weight: z.number().int('must be a whole number').positive(),
          derivedFrom: text,
          /**
           * When the criterion does not apply, from the bid's facts or the hub's ratings: if any
           * of these holds, the criterion is left out and the other weights rescaled, never
           * scored zero. Each runs as a rule named <criterion>.not_applicable.<id>. (Rule sets
           * before 1.2.0 say the same with not_applicable rules, which still work.)
           */
          notApplicableWhen: z.array(z.strictObject({ id: z.string().regex(SNAKE, 'must be snake_case'), conditions: topLevelCondition, reason: text })).min(1).optional(),
        }),
      )
      .min(1),
    bands: z.array(
      z.strictObject({
        id: z.enum(BAND_IDS),
        label: text,
        min: z.number().min(0).max(100).refine(twoPlaces, 'must have at most two decimal places'),
        advice: text,
      }),
    ),
    thresholds: z.strictObject({
      valueNotedFromPence: pence,
      valueJustificationAbovePence: pence,
      safetyEscalationRiskScore: z.number().int().min(1).max(25),
      delegation: z.strictObject({ financeConfirmationFromPence: pence, boardFromPence: pence }),
    }),
    rules: z.array(rule).min(1),
  })
  .superRefine((set, ctx) => {
    const criterionIds = new Set<string>();
    set.criteria.forEach((c, i) => {
      if (criterionIds.has(c.id)) ctx.addIssue({ code: 'custom', path: ['criteria', i, 'id'], message: `repeats criterion ${c.id}` });
      criterionIds.add(c.id);
    });

    const ruleNames = new Set<string>();
    const scored = new Set<string>();
    const notApplicableNames = new Map<string, (string | number)[]>();
    set.criteria.forEach((c, i) => {
      c.notApplicableWhen?.forEach((n, j) => {
        const name = notApplicableRuleName(c.id, n.id);
        if (notApplicableNames.has(name)) {
          ctx.addIssue({ code: 'custom', path: ['criteria', i, 'notApplicableWhen', j, 'id'], message: `repeats ${n.id} for criterion ${c.id}` });
        }
        notApplicableNames.set(name, ['criteria', i, 'notApplicableWhen', j, 'id']);
      });
    });
    set.rules.forEach((r, i) => {
      if (ruleNames.has(r.name)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `repeats rule ${r.name}` });
      if (notApplicableNames.has(r.name)) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `is the name of a criterion's not-applicable condition: ${r.name}` });
      }
      ruleNames.add(r.name);
      if (r.event.type === 'score' || r.event.type === 'not_applicable') {
        if (!criterionIds.has(r.event.params.criterion)) {
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i, 'event', 'params', 'criterion'],
            message: `names no criterion of this rule set: ${r.event.params.criterion}`,
          });
        }
        if (r.event.type === 'score') scored.add(r.event.params.criterion);
      }
    });
    set.criteria.forEach((c, i) => {
      if (!scored.has(c.id)) ctx.addIssue({ code: 'custom', path: ['criteria', i], message: `no rule scores criterion ${c.id}` });
    });

    // Bands from the top down, each starting below the one above it, the last at zero, so
    // every benefit score from 0 to 100 falls in exactly one.
    const order = set.bands.map((b) => b.id).join(',');
    if (order !== BAND_IDS.join(',')) {
      ctx.addIssue({ code: 'custom', path: ['bands'], message: `must list the bands ${BAND_IDS.join(', ')} once each, in that order` });
    } else {
      set.bands.forEach((b, i) => {
        const above = set.bands[i - 1];
        if (above && b.min >= above.min) ctx.addIssue({ code: 'custom', path: ['bands', i, 'min'], message: `must be below ${above.id}'s ${above.min}` });
      });
      if (set.bands.at(-1)?.min !== 0) ctx.addIssue({ code: 'custom', path: ['bands', BAND_IDS.length - 1, 'min'], message: 'must be 0' });
    }

    const t = set.thresholds;
    if (t.valueNotedFromPence > t.valueJustificationAbovePence) {
      ctx.addIssue({ code: 'custom', path: ['thresholds', 'valueNotedFromPence'], message: 'must not be above valueJustificationAbovePence' });
    }
    if (t.delegation.financeConfirmationFromPence >= t.delegation.boardFromPence) {
      ctx.addIssue({ code: 'custom', path: ['thresholds', 'delegation', 'financeConfirmationFromPence'], message: 'must be below boardFromPence' });
    }
  });

export type RuleSetDefinition = z.output<typeof ruleSetSchema>;
export type RuleDefinition = RuleSetDefinition['rules'][number];

/** The name a criterion's not-applicable condition fires under, in the score and its explanation. */
export function notApplicableRuleName(criterion: string, id: string): string {
  return `${criterion}.not_applicable.${id}`;
}

/**
 * Every rule the engine runs: the rule set's own, then each criterion's not-applicable
 * conditions as not_applicable rules, so one engine decides everything a score records.
 */
export function engineRules(definition: RuleSetDefinition): RuleDefinition[] {
  const notApplicable = definition.criteria.flatMap((c) =>
    (c.notApplicableWhen ?? []).map(
      (n): RuleDefinition => ({
        name: notApplicableRuleName(c.id, n.id),
        conditions: n.conditions,
        event: { type: 'not_applicable', params: { criterion: c.id, reason: n.reason } },
      }),
    ),
  );
  return [...definition.rules, ...notApplicable];
}

export interface RuleSetIdentity {
  id: string;
  version: string;
  /** sha256 of the RFC 8785 canonical JSON of the whole file: layout and key order do not change it, content does. */
  hash: string;
}

export interface LoadedRuleSet {
  identity: RuleSetIdentity;
  /** Frozen: the catalogue shares one copy between callers. */
  definition: RuleSetDefinition;
}

export class RuleSetError extends Error {
  override readonly name: string = 'RuleSetError';
}

/** No rule set has this id and version; the message lists those that exist. */
export class UnknownRuleSetError extends RuleSetError {
  override readonly name: string = 'UnknownRuleSetError';
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Validates a rule set given as parsed JSON and identifies it by its content. */
export function parseRuleSet(raw: unknown, source = 'rule set'): LoadedRuleSet {
  const parsed = ruleSetSchema.safeParse(raw);
  if (!parsed.success) throw new RuleSetError(`${source} is invalid: ${describeIssues(parsed.error)}`);
  const { id, version } = parsed.data;
  return deepFreeze({ identity: { id, version, hash: sha256(canonicalJson(raw)) }, definition: parsed.data });
}

const RULESETS_DIR = new URL('./rulesets/', import.meta.url);
const FILE_NAME = /^([a-z0-9]+(?:-[a-z0-9]+)*)@(\d+\.\d+\.\d+)\.json$/;
const loaded = new Map<string, LoadedRuleSet>();

/** Semantic-version order of major.minor.patch strings: 1.10.0 after 1.9.0. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < 3; i += 1) {
    const diff = (x[i] ?? 0) - (y[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function fileNames(): { id: string; version: string }[] {
  return readdirSync(RULESETS_DIR)
    .filter((name) => name.endsWith('.json'))
    .map((name) => {
      const match = FILE_NAME.exec(name);
      if (!match?.[1] || !match[2]) throw new RuleSetError(`rule set file ${name} is not named <id>@<major.minor.patch>.json`);
      return { id: match[1], version: match[2] };
    })
    .sort((a, b) => (a.id === b.id ? compareVersions(a.version, b.version) : a.id < b.id ? -1 : 1));
}

/** A rule set version from ./rulesets/, validated and hashed once per process. */
export function loadRuleSet(id: string, version: string): LoadedRuleSet {
  const key = `${id}@${version}`;
  const cached = loaded.get(key);
  if (cached) return cached;

  const known = () => fileNames().map((f) => `${f.id}@${f.version}`).join(', ') || 'none';
  // Checked before the name reaches the file system, so an id cannot walk out of the directory.
  if (!ID_PATTERN.test(id) || !VERSION_PATTERN.test(version)) {
    throw new UnknownRuleSetError(`"${key}" is not a rule set id@version; known rule sets: ${known()}`);
  }
  let text: string;
  try {
    text = readFileSync(new URL(`${key}.json`, RULESETS_DIR), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UnknownRuleSetError(`there is no rule set ${key}; known rule sets: ${known()}`);
    }
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new RuleSetError(`rule set file ${key}.json is not valid JSON: ${(error as Error).message}`);
  }
  const ruleSet = parseRuleSet(raw, `rule set file ${key}.json`);
  if (ruleSet.identity.id !== id || ruleSet.identity.version !== version) {
    throw new RuleSetError(`rule set file ${key}.json declares itself ${ruleSet.identity.id}@${ruleSet.identity.version}`);
  }
  loaded.set(key, ruleSet);
  return ruleSet;
}

/** Every rule set in the catalogue, by id and then oldest version first. */
export function listRuleSets(): RuleSetIdentity[] {
  return fileNames().map((f) => loadRuleSet(f.id, f.version).identity);
}

/** Whether a rule set version is a draft: for what-if runs only, never for scoring live bids. */
export function isDraft(identity: Pick<RuleSetIdentity, 'id' | 'version'>): boolean {
  return loadRuleSet(identity.id, identity.version).definition.status === 'draft';
}

/** The newest released version of a rule set: what a bid is scored with unless it names another. */
export function defaultRuleSet(id: string = DEFAULT_RULE_SET_ID): RuleSetIdentity {
  const newest = listRuleSets()
    .filter((r) => r.id === id && !isDraft(r))
    .at(-1);
  if (!newest) throw new UnknownRuleSetError(`there is no rule set with id ${id}`);
  return newest;
}
