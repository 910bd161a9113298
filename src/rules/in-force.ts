// Which rule set version is in force for a financial year: the admin's choice for that year if
// there is one, otherwise the newest released version already effective on the year's 1 April.
// Pure: the caller supplies the choices (from the database) and the catalogue.
import { financialYearSchema } from '../domain/bid.js';
import { compareVersions, DEFAULT_RULE_SET_ID, loadRuleSet, listRuleSets, RuleSetError, UnknownRuleSetError } from './ruleset.js';

/** An admin's choice of the rule set that scores a financial year's bids. */
export interface RuleSetChoice {
  /** Such as 2026/27: 1 April 2026 to 31 March 2027. */
  financialYear: string;
  id: string;
  version: string;
}

/** What the choice needs to know of each rule set version. */
export interface RuleSetCatalogueEntry {
  id: string;
  version: string;
  /** YYYY-MM-DD. */
  effectiveFrom: string;
  draft: boolean;
}

export interface RuleSetInForce {
  id: string;
  version: string;
  financialYear: string;
  /** chosen: the admin chose it for the year; effective: no choice, so the newest released version effective by 1 April. */
  because: 'chosen' | 'effective';
  /** One sentence for the decision trail. */
  reason: string;
}

/** The rule sets shipped in ./rulesets/, as the choice needs them. */
export function ruleSetCatalogue(): RuleSetCatalogueEntry[] {
  return listRuleSets().map(({ id, version }) => {
    const { definition } = loadRuleSet(id, version);
    return { id, version, effectiveFrom: definition.effectiveFrom, draft: definition.status === 'draft' };
  });
}

function yearBounds(financialYear: string, what: string): { start: string; nextStart: string } {
  const parsed = financialYearSchema.safeParse(financialYear);
  if (!parsed.success) throw new RangeError(`${what} must be a financial year such as 2026/27, not "${financialYear}"`);
  const first = Number(financialYear.slice(0, 4));
  return { start: `${first}-04-01`, nextStart: `${first + 1}-04-01` };
}

/**
 * The rule set version in force for a financial year.
 *
 * - The admin's choice for the year wins; if the admin chose more than once, the last choice in
 *   the list does, so list them in the order they were made.
 * - A choice must name a released version of the catalogue that takes effect before the year
 *   ends (a version effective mid-year may be chosen for that year): anything else is refused
 *   rather than passed over, since scoring with a version nobody meant is worse than not scoring.
 * - With no choice, the newest released version (by version number) of `id` whose effectiveFrom
 *   is on or before the year's 1 April. Drafts are for what-if runs and are never in force.
 */
export function ruleSetInForce(
  financialYear: string,
  choices: readonly RuleSetChoice[],
  catalogue: readonly RuleSetCatalogueEntry[],
  id: string = DEFAULT_RULE_SET_ID,
): RuleSetInForce {
  const { start, nextStart } = yearBounds(financialYear, 'the financial year');
  choices.forEach((c, i) => yearBounds(c.financialYear, `choice ${i + 1}'s financial year`));

  const chosen = choices.filter((c) => c.financialYear === financialYear).at(-1);
  if (chosen) {
    const entry = catalogue.find((e) => e.id === chosen.id && e.version === chosen.version);
    const name = `${chosen.id}@${chosen.version}`;
    if (!entry) throw new UnknownRuleSetError(`the rule set chosen for ${financialYear}, ${name}, is not in the catalogue`);
    if (entry.draft) throw new RuleSetError(`the rule set chosen for ${financialYear}, ${name}, is a draft: drafts are for what-if runs only`);
    if (entry.effectiveFrom >= nextStart) {
      throw new RuleSetError(`the rule set chosen for ${financialYear}, ${name}, takes effect on ${entry.effectiveFrom}, after ${financialYear} has ended`);
    }
    return { id: entry.id, version: entry.version, financialYear, because: 'chosen', reason: `${name} was chosen for ${financialYear}` };
  }

  const newest = catalogue
    .filter((e) => e.id === id && !e.draft && e.effectiveFrom <= start)
    .sort((a, b) => compareVersions(a.version, b.version))
    .at(-1);
  if (!newest) throw new UnknownRuleSetError(`no released version of rule set ${id} is effective by ${start}, the start of ${financialYear}`);
  return {
    id: newest.id,
    version: newest.version,
    financialYear,
    because: 'effective',
    reason: `No rule set was chosen for ${financialYear}: ${newest.id}@${newest.version}, effective from ${newest.effectiveFrom}, is the newest released version in effect on ${start}`,
  };
}
