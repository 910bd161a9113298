// An allocation as people read it: the chart of bids in rank order against the money available,
// with the cut line, and the same figures as tables, so nothing depends on seeing the picture.
import type { FC, PropsWithChildren } from 'hono/jsx';
import { OVERALL_ENVELOPE_ID, type AllocationResult, type RankedBid } from '../../domain/allocation.js';
import { Table, Tag, WarningCallout } from '../components.js';
import { money } from '../format.js';

/** Bid titles by reference: the allocation result names bids by reference alone. */
export type Titles = Record<string, string>;

// The drawing's own coordinates; the stylesheet scales it to the page's width, so 14 units of
// text come out at about body size in the page's 960 pixels. Words sit in two columns left of
// the bars, so the dashed and red lines never run through them.
const WIDTH = 800;
const OUTCOME_X = 150;
const PLOT_X = 360;
const PLOT_WIDTH = 420;
const TOP = 70;
const ROW = 30;
const BAR = 20;
/** Extra room above the cut line's row for the line and its label. */
const CUT_GAP = 32;
/** A round of hundreds of bids would draw a poster; the table below lists every one. */
const MAX_ROWS = 40;

/** The money this round could spend: the envelope less what earlier rounds committed in its year. */
export function moneyAvailable(result: AllocationResult): number {
  const overall = result.envelopes.find((e) => e.id === OVERALL_ENVELOPE_ID);
  return overall ? overall.envelopePence - overall.committedBeforePence : 0;
}

const Label: FC<PropsWithChildren<{ x: number; y: number; anchor?: 'start' | 'end'; strong?: boolean }>> = ({ x, y, anchor, strong, children }) => (
  <text class={`cp-chart__label${strong ? ' cp-chart__label--strong' : ''}`} x={x} y={y} text-anchor={anchor}>
    {children}
  </text>
);

/** Must-fund bids are always funded, so the word says both. */
const outcomeWords = (bid: RankedBid) => (bid.outcome === 'waitlisted' ? 'waitlisted' : bid.mustFund ? 'must-fund' : 'funded');
const barClass = (bid: RankedBid) => `cp-chart__bar--${bid.outcome === 'waitlisted' ? 'waitlisted' : bid.mustFund ? 'must-fund' : 'funded'}`;

/** Where the cut line's bid ran short: the overall envelope, or one of the sub-envelopes it draws on. */
function shortOf(result: AllocationResult): string {
  const cut = result.cutLine!;
  const label = result.envelopes.find((e) => e.id === cut.envelopeId)?.label ?? cut.envelopeId;
  return `${money(cut.leftPence)} was left in ${cut.envelopeId === OVERALL_ENVELOPE_ID ? 'the envelope' : `the ${label} sub-envelope`}`;
}

function describe(result: AllocationResult, drawn: number): string {
  const available = moneyAvailable(result);
  const funded = result.ranking.filter((r) => r.outcome === 'funded');
  const allocated = funded.reduce((sum, r) => sum + r.roundCostPence, 0);
  const parts = [
    `${result.ranking.length} bids in rank order by benefit per pound, against ${money(available)} available.`,
    `${funded.length} funded, taking ${money(allocated)}; ${result.waitlisted.length} waitlisted.`,
    result.cutLine ? `The cut line falls at rank ${result.cutLine.rank}, ${result.cutLine.reference}, the first bid that did not fit: ${shortOf(result)}.` : 'Every bid fitted: there is no cut line.',
  ];
  if (drawn < result.ranking.length) parts.push(`The first ${drawn} bids are drawn; the table lists them all.`);
  return parts.join(' ');
}

/**
 * Each bid is a bar on its own row, in rank order, starting where the money allocated before its
 * turn ended: so a waitlisted bid visibly runs past the money available, and a smaller bid below
 * the cut line visibly fits in what was left.
 */
export const AllocationChart: FC<{ result: AllocationResult; id: string }> = ({ result, id }) => {
  const rows = result.ranking.slice(0, MAX_ROWS);
  const available = moneyAvailable(result);
  const spans = rows.map((bid) => {
    const start = Math.max(0, available - (bid.leftBefore[OVERALL_ENVELOPE_ID] ?? available));
    return { bid, start, end: start + bid.roundCostPence };
  });
  const scale = Math.max(available, ...spans.map((s) => s.end), 1);
  const x = (pence: number) => PLOT_X + (Math.max(0, pence) / scale) * PLOT_WIDTH;
  const cutIndex = result.cutLine ? rows.findIndex((r) => r.reference === result.cutLine!.reference) : -1;
  const rowTop = (i: number) => TOP + i * ROW + (cutIndex >= 0 && i >= cutIndex ? CUT_GAP : 0);
  const height = rowTop(rows.length) + 10;
  const availableX = x(available);
  const cutY = cutIndex >= 0 ? rowTop(cutIndex) - 8 : 0;

  return (
    <svg class="cp-chart" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} focusable="false" xmlns="http://www.w3.org/2000/svg">
      <title id={`${id}-title`}>Allocation chart: bids in rank order against the money available, with the cut line</title>
      <desc id={`${id}-desc`}>{describe(result, rows.length)}</desc>
      <Legend />
      <line class="cp-chart__envelope" x1={availableX} y1={TOP - 10} x2={availableX} y2={height - 4} />
      <Label x={availableX > PLOT_X + 180 ? availableX - 6 : availableX + 6} y={TOP - 16} anchor={availableX > PLOT_X + 180 ? 'end' : 'start'}>
        Money available: {money(available)}
      </Label>
      {spans.map(({ bid, start, end }, i) => {
        const top = rowTop(i);
        return (
          <g>
            <Label x={0} y={top + 15}>
              {bid.rank}. {bid.reference}
            </Label>
            <Label x={OUTCOME_X} y={top + 15}>
              {money(bid.roundCostPence)}, {outcomeWords(bid)}
            </Label>
            <rect class={barClass(bid)} x={x(start)} y={top} width={Math.max(2, x(end) - x(start))} height={BAR} />
          </g>
        );
      })}
      {cutIndex >= 0 ? (
        <g>
          <line class="cp-chart__cut-line" x1={0} y1={cutY} x2={WIDTH} y2={cutY} />
          <Label x={0} y={cutY - 6} strong>
            Cut line: the first bid that did not fit
          </Label>
        </g>
      ) : null}
    </svg>
  );
};

/** The key, in the drawing itself, with words for every colour and line. */
const Legend: FC = () => (
  <g>
    <rect class="cp-chart__bar--funded" x={0} y={6} width={16} height={16} />
    <Label x={22} y={19}>
      Funded
    </Label>
    <rect class="cp-chart__bar--must-fund" x={100} y={6} width={16} height={16} />
    <Label x={122} y={19}>
      Must-fund
    </Label>
    <rect class="cp-chart__bar--waitlisted" x={220} y={6} width={16} height={16} />
    <Label x={242} y={19}>
      Waitlisted
    </Label>
    <line class="cp-chart__envelope" x1={350} y1={14} x2={380} y2={14} />
    <Label x={386} y={19}>
      Money available
    </Label>
    <line class="cp-chart__cut-line" x1={530} y1={14} x2={560} y2={14} />
    <Label x={566} y={19}>
      Cut line
    </Label>
  </g>
);

const OutcomeTag: FC<{ bid: RankedBid }> = ({ bid }) =>
  bid.outcome === 'waitlisted' ? <Tag colour="yellow">Waitlisted</Tag> : <Tag colour={bid.mustFund ? 'blue' : 'green'}>{bid.mustFund ? 'Funded: must-fund' : 'Funded'}</Tag>;

const BidLink: FC<{ reference: string; titles: Titles }> = ({ reference, titles }) => (
  <>
    <a href={`/app/bids/${encodeURIComponent(reference)}`}>{reference}</a>
    {titles[reference] ? <span class="nhsuk-body-s nhsuk-u-display-block nhsuk-u-margin-bottom-0">{titles[reference]}</span> : null}
  </>
);

/** The chart's figures, every bid, in rank order. */
export const RankingTable: FC<{ result: AllocationResult; titles: Titles; caption: string }> = ({ result, titles, caption }) => (
  <Table
    caption={caption}
    head={['Rank', 'Bid', 'Outcome', `Cost in ${result.financialYear}`, 'Benefit score', 'Benefit per pound', 'Reason']}
    numeric={[0, 3, 4]}
    rows={result.ranking.map((bid) => [
      bid.rank,
      <BidLink reference={bid.reference} titles={titles} />,
      <OutcomeTag bid={bid} />,
      <span class="cp-numeric">{money(bid.roundCostPence)}</span>,
      <span class="cp-numeric">{bid.benefitScore.toFixed(2)}</span>,
      bid.benefitPerPoundText,
      <>
        {result.cutLine?.reference === bid.reference ? <strong class="nhsuk-u-display-block">Cut line: the first bid that did not fit.</strong> : null}
        {bid.reason}
      </>,
    ])}
  />
);

/** What each envelope had, what earlier rounds and this allocation take, and what is left. */
export const EnvelopesTable: FC<{ result: AllocationResult; caption: string }> = ({ result, caption }) => (
  <Table
    caption={caption}
    head={['Envelope', 'Budget', 'Committed by earlier rounds', 'Allocated here', 'Left']}
    numeric={[1, 2, 3, 4]}
    rowHeaders
    rows={result.envelopes.map((e) => [
      e.label,
      <span class="cp-numeric">{money(e.envelopePence)}</span>,
      <span class="cp-numeric">{money(e.committedBeforePence)}</span>,
      <span class="cp-numeric">{money(e.allocatedPence)}</span>,
      <span class="cp-numeric">{money(e.leftPence)}</span>,
    ])}
  />
);

/** Must-fund bids are funded whatever the money; when they overrun, finance must see it first. */
export const MustFundOverrun: FC<{ result: AllocationResult }> = ({ result }) => {
  const overrun = result.mustFundOverrun;
  if (!overrun) return null;
  const labels = Object.fromEntries(result.envelopes.map((e) => [e.id, e.label]));
  return (
    <WarningCallout heading="Must-fund bids exceed the money available">
      <p>Bids with a statutory mandate are funded whatever the money. Here they go beyond what was left:</p>
      <ul>
        {overrun.overallPence > 0 ? <li>the overall envelope by {money(overrun.overallPence)}</li> : null}
        {Object.entries(overrun.bySubEnvelope).map(([envelopeId, pence]) => (
          <li>
            the {labels[envelopeId] ?? envelopeId} sub-envelope by {money(pence)}
          </li>
        ))}
      </ul>
    </WarningCallout>
  );
};

/** Everything about one allocation result: overrun first, then the chart and its tables. */
export const AllocationFigures: FC<{ result: AllocationResult; titles: Titles; id: string; what: string }> = ({ result, titles, id, what }) =>
  result.ranking.length === 0 ? (
    <p>No bid was waiting for allocation in {result.financialYear}, so nothing was allocated.</p>
  ) : (
    <>
      <MustFundOverrun result={result} />
      <AllocationChart result={result} id={id} />
      <RankingTable result={result} titles={titles} caption={`Bids in rank order: ${what}`} />
      <EnvelopesTable result={result} caption={`Envelopes: ${what}`} />
    </>
  );
