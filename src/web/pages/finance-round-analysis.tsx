// The round page's explanation of its allocation: what it would take to fund each waitlisted bid,
// the best the money could buy beside the greedy rule, and a picture of how robust each decision is
// to the weights, with the same figures as a table so nothing depends on seeing the picture.
import type { FC } from 'hono/jsx';
import type { roundAnalysis } from '../../services/round-analysis.js';
import type { RoundStatus } from '../../shared.js';
import { Button, Form, InsetText, Select, Table, TextArea } from '../components.js';
import { dateTime } from '../format.js';
import type { Titles } from './finance-chart.js';

type Analysis = Awaited<ReturnType<typeof roundAnalysis>>;
type Sensitivity = Analysis['sensitivity'];

const bidLink = (reference: string) => <a href={`/app/bids/${encodeURIComponent(reference)}`}>{reference}</a>;

const CLASSIFICATION: Record<Sensitivity['bids'][number]['classification'], string> = {
  'robust-funded': 'Robust: funded',
  'robust-waitlisted': 'Robust: waitlisted',
  marginal: 'Marginal',
};

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

export const RoundExplanation: FC<{ analysis: Analysis; titles: Titles }> = ({ analysis, titles }) => {
  const { explain, optimum, sensitivity } = analysis;
  return (
    <section id="explanation" aria-labelledby="explanation-heading">
      <h2 id="explanation-heading">Why bids fell below the line</h2>
      <p>These change nothing: they read the {explain.basis.version === null ? 'bids as they stand now' : `exact input of version ${explain.basis.version}`}.</p>
      <h3>What it would take to fund each waitlisted bid</h3>
      {explain.bids.length === 0 ? (
        <p>No bid is waitlisted.</p>
      ) : (
        <Table
          caption="What it would take: the smallest single change that would fund each waitlisted bid"
          captionSize="s"
          head={['Bid', 'Rank', 'A lower cost', 'A larger envelope', 'A higher score']}
          numeric={[1]}
          rows={explain.bids.map((b) => [
            <>
              {bidLink(b.reference)}
              {titles[b.reference] ? <span class="nhsuk-body-s nhsuk-u-display-block">{titles[b.reference]}</span> : null}
            </>,
            b.rank,
            b.cost.sentence,
            [b.envelope.overall, ...b.envelope.subEnvelopes, ...(b.envelope.together ? [b.envelope.together] : [])].map((c) => <p class="nhsuk-body-s">{c.sentence}</p>),
            b.score.sentence,
          ])}
        />
      )}
      <h3>The best the money could buy</h3>
      <InsetText>
        <p id="optimum-sentence">{optimum.sentence}</p>
      </InsetText>
      <Table
        caption="The greedy rule beside the optimum"
        captionSize="s"
        head={['', 'Greedy rule (benefit per pound)', `Optimum (${optimum.solver.name} ${optimum.solver.version})`]}
        rowHeaders
        rows={[
          ['Total benefit score', optimum.greedy.benefitScoreTotal.toFixed(2), optimum.optimum.benefitScoreTotal.toFixed(2)],
          ['Bids funded', optimum.greedy.funded.length, optimum.optimum.funded.length],
          ['Funded by one only', optimum.onlyInGreedy.length ? optimum.onlyInGreedy.join(', ') : 'None', optimum.onlyInOptimum.length ? optimum.onlyInOptimum.join(', ') : 'None'],
          ['Benefit the rule gives up', '', optimum.givenUp.toFixed(2)],
        ]}
      />
      <h3>How robust each decision is</h3>
      <p>
        Every criterion weight of the rule set varied at random within ±{sensitivity.spreadPercent}% in {sensitivity.samples.toLocaleString('en-GB')} samples (mulberry32, seed{' '}
        {sensitivity.seed}), each bid rescored and the allocation run again. Funded or waitlisted in {sensitivity.robustPercent}% of samples or more is robust.
      </p>
      <SensitivityChart result={sensitivity} id="sensitivity-chart" />
      <Table
        caption="Sensitivity: how often each bid is funded as the weights vary"
        captionSize="s"
        head={['Bid', 'Allocation', 'Funded in', 'Share', 'Decision']}
        numeric={[2, 3]}
        rows={sensitivity.bids.map((b) => [bidLink(b.reference), b.mustFund ? 'must-fund' : b.nominalOutcome, `${b.fundedCount} of ${sensitivity.samples}`, percent(b.fundedShare), CLASSIFICATION[b.classification]])}
      />
    </section>
  );
};

const WIDTH = 800;
const PLOT_X = 260;
const PLOT_WIDTH = 500;
const TOP = 40;
const ROW = 28;
const BAR = 18;
const MAX_ROWS = 40;

function describeSensitivity(result: Sensitivity, drawn: number): string {
  const count = (c: string) => result.bids.filter((b) => b.classification === c).length;
  const marginal = result.bids.filter((b) => b.classification === 'marginal').map((b) => `${b.reference} (${percent(b.fundedShare)})`);
  const parts = [
    `How often each of ${result.bids.length} bids is funded when the weights vary within ±${result.spreadPercent}%, over ${result.samples} samples.`,
    `${count('robust-funded')} robustly funded, ${count('robust-waitlisted')} robustly waitlisted, ${marginal.length} marginal${marginal.length ? `: ${marginal.join(', ')}` : ''}.`,
  ];
  if (drawn < result.bids.length) parts.push(`The first ${drawn} bids are drawn; the table lists them all.`);
  return parts.join(' ');
}

/** One bar per bid, its length the share of samples that fund it, with the robust thresholds marked. */
export const SensitivityChart: FC<{ result: Sensitivity; id: string }> = ({ result, id }) => {
  const rows = result.bids.slice(0, MAX_ROWS);
  const height = TOP + rows.length * ROW + 10;
  const x = (share: number) => PLOT_X + share * PLOT_WIDTH;
  const high = x(result.robustPercent / 100);
  const low = x(1 - result.robustPercent / 100);
  return (
    <svg class="cp-chart" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} focusable="false" xmlns="http://www.w3.org/2000/svg">
      <title id={`${id}-title`}>Sensitivity chart: the share of samples in which each bid is funded</title>
      <desc id={`${id}-desc`}>{describeSensitivity(result, rows.length)}</desc>
      <text class="cp-chart__label" x={PLOT_X} y={20}>
        0%
      </text>
      <text class="cp-chart__label" x={x(1)} y={20} text-anchor="end">
        100% of samples funded
      </text>
      <line class="cp-chart__envelope" x1={high} y1={TOP - 10} x2={high} y2={height - 4} />
      <line class="cp-chart__envelope" x1={low} y1={TOP - 10} x2={low} y2={height - 4} />
      {rows.map((b, i) => {
        const top = TOP + i * ROW;
        return (
          <g>
            <text class="cp-chart__label" x={0} y={top + 14}>
              {b.reference} {percent(b.fundedShare)}
            </text>
            <rect class="cp-chart__bar--waitlisted" x={PLOT_X} y={top} width={PLOT_WIDTH} height={BAR} />
            <rect class={b.mustFund ? 'cp-chart__bar--must-fund' : 'cp-chart__bar--funded'} x={PLOT_X} y={top} width={Math.max(b.fundedCount > 0 ? 2 : 0, x(b.fundedShare) - PLOT_X)} height={BAR} />
          </g>
        );
      })}
    </svg>
  );
};

// ---------------------------------------------------------------------------------------------
// Overrides

/** The overrides of the standing proposal, and (for someone authorised) the form to make one. */
export const RoundOverrides: FC<{ round: RoundStatus; allowed: boolean; csrf: string; errors: { reference?: string; reason?: string } }> = ({ round, allowed, csrf, errors }) => {
  const overrides = round.overrides ?? [];
  const places = round.proposal?.places ?? [];
  if (!round.proposal || (overrides.length === 0 && !allowed)) return null;
  return (
    <section id="overrides" aria-labelledby="overrides-heading">
      <h2 id="overrides-heading">Overrides</h2>
      {overrides.length === 0 ? (
        <p>Nobody has overridden version {round.proposal.version} of the allocation.</p>
      ) : (
        <Table
          caption={`Bids moved across the line in version ${round.proposal.version}`}
          captionSize="s"
          head={['Bid', 'The allocation had', 'Now', 'Reason', 'By', 'When']}
          rows={overrides.map((o) => [bidLink(o.reference), o.allocated, o.direction === 'fund' ? 'funded' : 'waitlisted', o.reason, `${o.by.name} (${o.role})`, dateTime(o.at)])}
        />
      )}
      {allowed ? (
        <Form action={`/app/rounds/${encodeURIComponent(round.roundId)}/override`} csrf={csrf}>
          <input type="hidden" name="version" value={String(round.proposal.version)} />
          <Select
            name="reference"
            id="override-reference"
            label="Bid to move across the line"
            hint="A waitlisted bid is funded; a funded bid is waitlisted. The envelope and every sub-envelope still hold."
            placeholder="Choose a bid"
            options={places.map((p) => ({ value: p.reference, label: `${p.reference}: ${p.outcome === 'funded' ? 'funded, waitlist it' : 'waitlisted, fund it'}` }))}
            error={errors.reference}
          />
          <TextArea name="reason" id="override-reason" label="Why?" hint="This goes on the round's trail with your name." rows={2} error={errors.reason} />
          <Button variant="secondary">Override the allocation</Button>
        </Form>
      ) : null}
    </section>
  );
};
