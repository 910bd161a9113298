// The rule set's conditions compiled once into plain functions, for the scoring hot path.
//
// json-rules-engine is the reference: the rule sets are its documents, `npm run verify` and every
// re-derivation run it, and test/rules.compiled.test.ts checks over random facts that both fire
// the same rules with the same parameters. It evaluates each condition through a chain of
// promises and an almanac (about 10 µs a condition here); a rule set's conditions are a closed
// vocabulary (ruleset.ts: eight scalar operators, all/any/not, facts by name, no paths or
// custom operators), so they compile to closures with json-rules-engine's own semantics:
//   - equal/notEqual are === and !==; in/notIn are indexOf on the listed values;
//   - the four numeric operators are false, not an error, when the fact is not a number as
//     json-rules-engine's validator sees it (Number.parseFloat(x).toString() === 'NaN', so a
//     null cost per QALY fails `lessThan` and `greaterThan` alike);
//   - all is every, any is some, not negates;
//   - a fact the facts do not have is an error (the engine is built with allowUndefinedFacts: false);
//   - an event parameter written { fact: name } is replaced by the fact's value (replaceFactsInEventParams).
import type { FactName, ScoringFacts } from './facts.js';
import { engineRules, type Condition, type Operator, type RuleSetDefinition } from './ruleset.js';

export interface Fired {
  rule: string;
  type: string;
  params: Record<string, unknown>;
}

type Test = (facts: ScoringFacts) => boolean;
type CompiledRule = { name: string; type: string; test: Test; params: (facts: ScoringFacts) => Record<string, unknown> };

/** json-rules-engine's numberValidator, exactly. */
const isNumberForEngine = (value: unknown): boolean => Number.parseFloat(value as string).toString() !== 'NaN';

function read(facts: ScoringFacts, fact: FactName): unknown {
  const value = facts[fact];
  if (value === undefined) throw new Error(`Undefined fact: ${fact}`);
  return value;
}

function compare(operator: Operator, value: unknown): (fact: unknown) => boolean {
  switch (operator) {
    case 'equal':
      return (a) => a === value;
    case 'notEqual':
      return (a) => a !== value;
    case 'in': {
      const list = value as unknown[];
      return (a) => list.indexOf(a) > -1;
    }
    case 'notIn': {
      const list = value as unknown[];
      return (a) => list.indexOf(a) === -1;
    }
    case 'lessThan':
      return (a) => isNumberForEngine(a) && (a as number) < (value as number);
    case 'lessThanInclusive':
      return (a) => isNumberForEngine(a) && (a as number) <= (value as number);
    case 'greaterThan':
      return (a) => isNumberForEngine(a) && (a as number) > (value as number);
    case 'greaterThanInclusive':
      return (a) => isNumberForEngine(a) && (a as number) >= (value as number);
  }
}

function compileCondition(condition: Condition): Test {
  if ('all' in condition) {
    const parts = condition.all.map(compileCondition);
    return (facts) => parts.every((p) => p(facts));
  }
  if ('any' in condition) {
    const parts = condition.any.map(compileCondition);
    return (facts) => parts.some((p) => p(facts));
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not);
    return (facts) => !inner(facts);
  }
  const { fact } = condition;
  const holds = compare(condition.operator, condition.value);
  return (facts) => holds(read(facts, fact));
}

function compileParams(params: Record<string, unknown>): (facts: ScoringFacts) => Record<string, unknown> {
  const references = Object.entries(params).filter(
    (entry): entry is [string, { fact: FactName }] => typeof entry[1] === 'object' && entry[1] !== null && 'fact' in entry[1],
  );
  if (references.length === 0) return () => ({ ...params });
  return (facts) => {
    const out = { ...params };
    for (const [key, ref] of references) out[key] = read(facts, ref.fact);
    return out;
  };
}

const compiledRuleSets = new WeakMap<RuleSetDefinition, CompiledRule[]>();

function compile(definition: RuleSetDefinition): CompiledRule[] {
  return engineRules(definition).map((rule) => ({
    name: rule.name,
    type: rule.event.type,
    test: compileCondition(rule.conditions),
    params: compileParams((rule.event.params ?? {}) as Record<string, unknown>),
  }));
}

/**
 * The rules whose conditions hold, with their parameters, in the rule set's order. Compiled once
 * per frozen definition (the catalogue's), as json-rules-engine's engines are built once.
 */
export function fireCompiled(definition: RuleSetDefinition, facts: ScoringFacts): Fired[] {
  let rules = Object.isFrozen(definition) ? compiledRuleSets.get(definition) : undefined;
  if (!rules) {
    rules = compile(definition);
    if (Object.isFrozen(definition)) compiledRuleSets.set(definition, rules);
  }
  const fired: Fired[] = [];
  for (const rule of rules) if (rule.test(facts)) fired.push({ rule: rule.name, type: rule.type, params: rule.params(facts) });
  return fired;
}
