// A bid's answers, step by step, as summary lists and a costs table: the same on "Check your
// answers" (with Change links back to each step) and on the bid's own page.
import type { Child, FC } from 'hono/jsx';
import { costTotals, type BidSubmission } from '../../domain/bid.js';
import { SummaryList, Table } from '../components.js';
import { ambition, date, money, place } from '../format.js';
import { STEPS, inputIdOf, type Step, type StepId } from './bids-form.js';
import { CORE20PLUS5_LABELS, EVIDENCE_LABELS, KIND_LABELS, LEVEL_LABELS, MANDATE_LABELS, label } from './bids-labels.js';

/** Organisation names by code. */
export type OrganisationNames = Record<string, string>;

interface Row {
  key: string;
  value: Child;
  /** The form field that answers it, for the Change link. */
  field: string;
}

const none = 'None given';

/** A label as it reads inside "Change …": "Title" becomes "title", "PLUS groups" stays. */
const inSentence = (key: string): string => (/^[A-Z][a-z]/.test(key) ? `${key.charAt(0).toLowerCase()}${key.slice(1)}` : key);

const list = (items: readonly string[] | undefined, word: (item: string) => string = (x) => x): Child =>
  items?.length ? (
    <ul class="nhsuk-list">
      {items.map((item) => (
        <li>{word(item)}</li>
      ))}
    </ul>
  ) : (
    none
  );

const orgName = (names: OrganisationNames) => (code: string) => (names[code] ? `${names[code]} (${code})` : code);

function rowsOf(step: StepId, bid: Partial<BidSubmission>, names: OrganisationNames): Row[] {
  switch (step) {
    case 'about':
      return [
        { key: 'Title', value: bid.title, field: 'title' },
        { key: 'Summary', value: bid.summary, field: 'summary' },
        { key: 'Lead organisation', value: bid.leadOrganisation ? orgName(names)(bid.leadOrganisation) : 'Your organisation', field: '' },
        { key: 'Partner organisations', value: list(bid.partnerOrganisations, orgName(names)), field: 'partnerOrganisations' },
        { key: 'Kind of bid', value: label(KIND_LABELS, bid.kind), field: 'kind' },
        { key: 'Level', value: label(LEVEL_LABELS, bid.level), field: 'level' },
        { key: 'Places', value: list(bid.places, place), field: 'places' },
        { key: 'Start date', value: date(bid.startDate), field: 'startDate' },
      ];
    case 'reach':
      return [
        { key: 'Main ambition', value: bid.primaryAmbition ? ambition(bid.primaryAmbition) : '', field: 'primaryAmbition' },
        { key: 'Other ambitions', value: list(bid.secondaryAmbitions, ambition), field: 'secondaryAmbitions' },
        { key: 'People reached a year', value: bid.peopleReachedPerYear?.toLocaleString('en-GB'), field: 'peopleReachedPerYear' },
        { key: 'In the most deprived 20% (Core20)', value: bid.core20Percent === undefined ? '' : `${bid.core20Percent}%`, field: 'core20Percent' },
        { key: 'PLUS groups', value: list(bid.plusGroups), field: 'plusGroups' },
        { key: 'Core20PLUS5 areas', value: list(bid.core20plus5Areas, (a) => label(CORE20PLUS5_LABELS, a)), field: 'core20plus5Areas' },
      ];
    case 'evidence': {
      const risk = bid.riskOfNotFunding;
      const plan = bid.evaluationPlan;
      return [
        { key: 'Strongest evidence', value: label(EVIDENCE_LABELS, bid.evidenceLevel), field: 'evidenceLevel' },
        { key: 'Cost per QALY', value: bid.costPerQalyPence === null || bid.costPerQalyPence === undefined ? 'Not known' : money(bid.costPerQalyPence), field: 'costPerQalyPence' },
        {
          key: 'Statutory mandate',
          value: bid.statutoryMandate ? [label(MANDATE_LABELS, bid.statutoryMandate.type), bid.statutoryMandate.reference].filter(Boolean).join(': ') : '',
          field: 'statutoryMandate.type',
        },
        {
          key: 'Risk of not funding',
          value: risk ? `Likelihood ${risk.likelihood}, impact ${risk.impact}: ${risk.likelihood * risk.impact} out of 25` : '',
          field: 'riskOfNotFunding.likelihood',
        },
        { key: 'Outcome measures', value: list(plan?.outcomeMeasures), field: 'evaluationPlan.outcomeMeasures' },
        { key: 'Baseline data', value: plan?.baselineData || none, field: 'evaluationPlan.baselineData' },
        { key: 'Evaluation method', value: plan?.method || none, field: 'evaluationPlan.method' },
        { key: 'Workforce', value: bid.workforceWte === undefined ? '' : `${bid.workforceWte} WTE`, field: 'workforceWte' },
      ];
    }
    case 'costs':
      return [];
  }
}

/** The costs per year with their totals; the caption is for screen readers, the heading above says it. */
export const CostsTable: FC<{ costs: BidSubmission['costs'] }> = ({ costs }) => {
  if (!costs.length) return <p>No costs given.</p>;
  const totals = costTotals({ costs });
  return (
    <Table
      caption={<span class="nhsuk-u-visually-hidden">Costs by financial year</span>}
      captionSize="s"
      head={['Financial year', 'Recurrent', 'Non-recurrent', 'Total']}
      numeric={[1, 2, 3]}
      rowHeaders
      rows={[
        ...costs.map((c) => [c.financialYear, money(c.recurrentPence), money(c.nonRecurrentPence), money(c.recurrentPence + c.nonRecurrentPence)]),
        ['Total', money(totals.recurrentPence), money(totals.nonRecurrentPence), <strong>{money(totals.totalPence)}</strong>],
      ]}
    />
  );
};

const Heading: FC<{ level: 2 | 3; children: Child }> = ({ level, children }) => (level === 2 ? <h2 class="nhsuk-heading-m">{children}</h2> : <h3 class="nhsuk-heading-s">{children}</h3>);

/**
 * Each step's answers under its heading. With `changeHref`, every answer has a Change link to
 * its step and field, as "Check your answers" needs.
 */
export const BidAnswers: FC<{ bid: Partial<BidSubmission>; names: OrganisationNames; headingLevel: 2 | 3; changeHref?: (step: Step, field: string) => string }> = ({
  bid,
  names,
  headingLevel,
  changeHref,
}) => (
  <>
    {STEPS.map((step) => (
      <>
        <Heading level={headingLevel}>{step.title}</Heading>
        {step.id === 'costs' ? (
          <>
            <CostsTable costs={bid.costs ?? []} />
            {changeHref ? (
              <p>
                <a href={changeHref(step, 'costs[0].financialYear')}>
                  Change<span class="nhsuk-u-visually-hidden"> the costs</span>
                </a>
              </p>
            ) : null}
          </>
        ) : (
          <SummaryList
            rows={rowsOf(step.id, bid, names).map((row) => ({
              key: row.key,
              value: row.value,
              action: changeHref && row.field ? { href: changeHref(step, row.field), text: 'Change', hidden: inSentence(row.key) } : undefined,
            }))}
          />
        )}
      </>
    ))}
  </>
);

/** One step's answers on their own: the evidence and evaluation plan beside an evaluator's review. */
export const StepAnswers: FC<{ step: StepId; bid: Partial<BidSubmission>; names?: OrganisationNames }> = ({ step, bid, names = {} }) => (
  <SummaryList rows={rowsOf(step, bid, names).map((row) => ({ key: row.key, value: row.value }))} />
);

/** A link to a step with the field to focus, coming back to "Check your answers" after it. */
export const stepHref = (draftId: string, step: Step, field?: string): string =>
  `/app/bids/drafts/${draftId}/${step.id}?return=check${field ? `#${inputIdOf(field)}` : ''}`;
