// Which rule set version is in force for a financial year: the admin's choice, or the newest
// released version effective by the year's 1 April.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareVersions, RuleSetError, UnknownRuleSetError } from '../src/rules/ruleset.js';
import { ruleSetCatalogue, ruleSetInForce, type RuleSetCatalogueEntry, type RuleSetChoice } from '../src/rules/in-force.js';

const ID = 'nw-clinical-prioritisation';
const shipped = ruleSetCatalogue();
const entry = (version: string, effectiveFrom: string, draft = false, id = ID): RuleSetCatalogueEntry => ({ id, version, effectiveFrom, draft });
const choice = (financialYear: string, version: string, id = ID): RuleSetChoice => ({ financialYear, id, version });

describe('the shipped catalogue', () => {
  it('lists each version with when it takes effect and whether it is a draft', () => {
    expect(shipped).toEqual([entry('1.0.0', '2026-04-01'), entry('1.1.0', '2027-04-01', true), entry('1.2.0', '2026-04-01')]);
  });

  it('puts 1.2.0 in force for 2026/27 with no choice: newer than 1.0.0, and 1.1.0 is a draft', () => {
    expect(ruleSetInForce('2026/27', [], shipped)).toEqual({
      id: ID,
      version: '1.2.0',
      financialYear: '2026/27',
      because: 'effective',
      reason: `No rule set was chosen for 2026/27: ${ID}@1.2.0, effective from 2026-04-01, is the newest released version in effect on 2026-04-01`,
    });
    // The 2027/28 draft is never in force, so 1.2.0 carries on until a version is released.
    expect(ruleSetInForce('2027/28', [], shipped)).toMatchObject({ version: '1.2.0', because: 'effective' });
  });

  it('has nothing in force before the first version takes effect', () => {
    expect(() => ruleSetInForce('2025/26', [], shipped)).toThrow(UnknownRuleSetError);
    expect(() => ruleSetInForce('2025/26', [], shipped)).toThrow(`no released version of rule set ${ID} is effective by 2025-04-01, the start of 2025/26`);
  });

  it('keeps a year on 1.0.0 when the admin chooses it', () => {
    expect(ruleSetInForce('2026/27', [choice('2026/27', '1.0.0')], shipped)).toEqual({
      id: ID,
      version: '1.0.0',
      financialYear: '2026/27',
      because: 'chosen',
      reason: `${ID}@1.0.0 was chosen for 2026/27`,
    });
  });
});

describe('the admin\'s choices', () => {
  const catalogue = [entry('1.0.0', '2026-04-01'), entry('1.2.0', '2026-04-01'), entry('1.3.0', '2026-10-01'), entry('2.0.0', '2027-04-01'), entry('2.1.0', '2027-04-01', true)];

  it('take the last choice made for the year, and ignore other years\'', () => {
    const choices = [choice('2026/27', '1.0.0'), choice('2027/28', '2.0.0'), choice('2026/27', '1.2.0'), choice('2025/26', '1.0.0')];
    expect(ruleSetInForce('2026/27', choices, catalogue)).toMatchObject({ version: '1.2.0', because: 'chosen' });
    expect(ruleSetInForce('2027/28', choices, catalogue)).toMatchObject({ version: '2.0.0', because: 'chosen' });
    expect(ruleSetInForce('2028/29', choices, catalogue)).toMatchObject({ version: '2.0.0', because: 'effective' });
  });

  it('may bring in, for its year, a version that takes effect mid-year', () => {
    expect(ruleSetInForce('2026/27', [], catalogue)).toMatchObject({ version: '1.2.0', because: 'effective' });
    expect(ruleSetInForce('2026/27', [choice('2026/27', '1.3.0')], catalogue)).toMatchObject({ version: '1.3.0', because: 'chosen' });
  });

  it.each([
    ['a draft', choice('2027/28', '2.1.0'), RuleSetError, `the rule set chosen for 2027/28, ${ID}@2.1.0, is a draft: drafts are for what-if runs only`],
    ['a version not in the catalogue', choice('2026/27', '9.9.9'), UnknownRuleSetError, `the rule set chosen for 2026/27, ${ID}@9.9.9, is not in the catalogue`],
    ['another id that does not exist', choice('2026/27', '1.0.0', 'portsmouth-scorecard'), UnknownRuleSetError, 'portsmouth-scorecard@1.0.0, is not in the catalogue'],
    [
      'a version that takes effect only after the year has ended',
      choice('2026/27', '2.0.0'),
      RuleSetError,
      `the rule set chosen for 2026/27, ${ID}@2.0.0, takes effect on 2027-04-01, after 2026/27 has ended`,
    ],
  ])('refuse %s rather than pass over it', (_, chosen, kind, message) => {
    expect(() => ruleSetInForce(chosen.financialYear, [choice(chosen.financialYear, '1.0.0'), chosen], catalogue)).toThrow(kind);
    expect(() => ruleSetInForce(chosen.financialYear, [chosen], catalogue)).toThrow(message);
  });

  it.each([
    ['the year asked about', () => ruleSetInForce('2026/28', [], catalogue), 'the financial year must be a financial year such as 2026/27, not "2026/28"'],
    ['a choice', () => ruleSetInForce('2026/27', [choice('2026-27', '1.0.0')], catalogue), `choice 1's financial year must be a financial year such as 2026/27, not "2026-27"`],
  ])('refuse a malformed financial year in %s', (_, run, message) => {
    expect(run).toThrow(message);
  });
});

describe('with no choice', () => {
  it('counts a version effective on the year\'s 1 April, and not one effective on the 2nd', () => {
    expect(ruleSetInForce('2027/28', [], [entry('1.0.0', '2026-04-01'), entry('2.0.0', '2027-04-01')])).toMatchObject({ version: '2.0.0' });
    expect(ruleSetInForce('2027/28', [], [entry('1.0.0', '2026-04-01'), entry('2.0.0', '2027-04-02')])).toMatchObject({ version: '1.0.0' });
  });

  it('orders versions as numbers, so 1.10.0 is newer than 1.9.0', () => {
    expect(ruleSetInForce('2026/27', [], [entry('1.10.0', '2026-04-01'), entry('1.9.0', '2026-04-01')])).toMatchObject({ version: '1.10.0' });
  });

  it('falls back within the rule set id asked for', () => {
    const catalogue = [entry('1.0.0', '2026-04-01'), entry('3.0.0', '2026-04-01', false, 'portsmouth-scorecard')];
    expect(ruleSetInForce('2026/27', [], catalogue)).toMatchObject({ id: ID, version: '1.0.0' });
    expect(ruleSetInForce('2026/27', [], catalogue, 'portsmouth-scorecard')).toMatchObject({ id: 'portsmouth-scorecard', version: '3.0.0' });
  });
});

describe('over any catalogue and choices', () => {
  const versionArb = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 2 })).map((v) => v.join('.'));
  const dateArb = fc.integer({ min: 2024, max: 2029 }).chain((y) => fc.constantFrom(`${y}-04-01`, `${y}-04-02`, `${y}-10-01`, `${y + 1}-03-31`));
  const catalogueArb = fc.uniqueArray(fc.record({ id: fc.constant(ID), version: versionArb, effectiveFrom: dateArb, draft: fc.boolean() }), {
    selector: (e) => e.version,
    maxLength: 8,
  });
  const yearArb = fc.integer({ min: 2024, max: 2030 }).map((y) => `${y}/${String((y + 1) % 100).padStart(2, '0')}`);

  it('is a released version of the catalogue, in effect by the end of the year; with no choice, the newest by 1 April', () => {
    fc.assert(
      fc.property(catalogueArb, yearArb, fc.array(fc.tuple(yearArb, fc.nat()), { maxLength: 5 }), (catalogue, year, picks) => {
        const choices = catalogue.length === 0 ? [] : picks.map(([fy, n]) => choice(fy, catalogue[n % catalogue.length]!.version));
        const before = JSON.stringify({ catalogue, choices });
        let result;
        try {
          result = ruleSetInForce(year, choices, catalogue);
        } catch (error) {
          expect(error).toBeInstanceOf(RuleSetError);
          return;
        } finally {
          expect(JSON.stringify({ catalogue, choices })).toBe(before); // nothing it is given is changed
        }
        const start = `${year.slice(0, 4)}-04-01`;
        const found = catalogue.find((e) => e.version === result.version)!;
        expect(found.draft).toBe(false);
        expect(found.effectiveFrom < `${Number(year.slice(0, 4)) + 1}-04-01`).toBe(true);
        const lastChoice = choices.filter((c) => c.financialYear === year).at(-1);
        if (lastChoice) {
          expect(result).toMatchObject({ version: lastChoice.version, because: 'chosen' });
        } else {
          expect(found.effectiveFrom <= start).toBe(true);
          const newer = catalogue.filter((e) => !e.draft && e.effectiveFrom <= start && compareVersions(e.version, found.version) > 0);
          expect(newer).toEqual([]);
        }
        // The order of the catalogue does not matter.
        expect(ruleSetInForce(year, choices, [...catalogue].reverse())).toEqual(result);
      }),
      { numRuns: 500 },
    );
  });
});
