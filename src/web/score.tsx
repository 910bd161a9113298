// A score, explained: each criterion's score and weight, the rules that fired and their reasons,
// the benefit score and band, the hard rules, and the rule set that produced it.
import type { FC } from 'hono/jsx';
import type { ScoreResult } from '../rules/engine.js';
import { Details, SummaryList, Table, Tag } from './components.js';
import { BAND_LABELS, dateTime } from './format.js';

const FLAG_LABELS: Record<string, string> = {
  mustFund: 'Must-fund: a statutory mandate',
  safetyEscalation: "Safety escalation: risk of not funding 15 or more (chair's action possible)",
  valueJustificationRequired: 'Cost per QALY over £30,000: a written value justification is needed',
  valueNoted: 'Cost per QALY between £20,000 and £30,000: noted',
};

const DELEGATION_LABELS: Record<string, string> = {
  assembly: "Within the CCP Assembly's delegation (under £250,000)",
  finance_confirmation: 'Needs finance confirmation (£250,000 to under £1,000,000)',
  board: 'Goes to the ICB Board (£1,000,000 or more)',
};

export const ScoreBreakdown: FC<{ result: ScoreResult; scoredAt?: string; headingLevel?: 2 | 3 }> = ({ result, scoredAt, headingLevel = 2 }) => {
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const flags = Object.entries(result.flags).filter(([, on]) => on);
  return (
    <section aria-labelledby="score-heading">
      <H id="score-heading">Clinical score</H>
      <SummaryList
        rows={[
          { key: 'Benefit score', value: <span class="cp-numeric">{result.benefitScore.toFixed(2)} out of 100</span> },
          { key: 'Band', value: <Tag colour={result.band.id === 'high' ? 'green' : result.band.id === 'medium' ? 'blue' : result.band.id === 'low' ? 'yellow' : 'red'}>{BAND_LABELS[result.band.id] ?? result.band.label}</Tag> },
          { key: 'Advice', value: result.band.advice },
          { key: 'Hard rules', value: flags.length ? <ul class="nhsuk-list">{flags.map(([flag]) => <li>{FLAG_LABELS[flag] ?? flag}</li>)}</ul> : 'None' },
          { key: 'Scheme of delegation', value: DELEGATION_LABELS[result.delegation] ?? result.delegation },
          {
            key: 'Rule set',
            value: (
              <>
                {result.ruleSet.id} version {result.ruleSet.version}
                <br />
                <span class="nhsuk-body-s cp-break">Content hash {result.ruleSet.hash}</span>
                {scoredAt ? (
                  <>
                    <br />
                    <span class="nhsuk-body-s">Scored {dateTime(scoredAt)}</span>
                  </>
                ) : null}
              </>
            ),
          },
        ]}
      />
      <Table
        caption="Score by criterion"
        head={['Criterion', 'Weight', 'Score out of 5', 'Why']}
        numeric={[1, 2]}
        rowHeaders
        rows={result.criteria.map((c) => [
          c.label,
          String(c.weight),
          c.applicable && c.score !== null ? c.score.toFixed(2) : 'Not applicable',
          c.applicable ? (
            <ul class="nhsuk-list nhsuk-body-s">
              {c.contributions.map((x) => (
                <li>
                  {x.reason} ({x.points >= 0 ? '+' : ''}
                  {x.points.toFixed(2)})
                </li>
              ))}
            </ul>
          ) : (
            <span class="nhsuk-body-s">{c.notApplicableBecause.map((n) => n.reason).join('; ') || 'Left out; the other weights rescaled'}</span>
          ),
        ])}
      />
      <Details summary="The rules that fired">
        <ul class="nhsuk-list nhsuk-body-s">
          {result.firedRules.map((r) => (
            <li>{r}</li>
          ))}
        </ul>
      </Details>
    </section>
  );
};
