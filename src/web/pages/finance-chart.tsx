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
/** Room under the bars for the money axis: its ticks, their labels and the axis's title. */
const AXIS_HEIGHT = 56;

/** The money this round could spend: the envelope less what earlier rounds committed in its year. */
export function moneyAvailable(result: AllocationResult): number {
  const overall = result.envelopes.find((e) => e.id === OVERALL_ENVELOPE_ID);
  return overall ? overall.envelopePence - overall.committedBeforePence : 0;
}

const Label: FC<PropsWithChildren<{ x: number; y: number; anchor?: 'start' | 'middle' | 'end'; strong?: boolean }>> = ({ x, y, anchor, strong, children }) => (
  <text class={`cp-chart__label${strong ? ' cp-chart__label--strong' : ''}`} x={x} y={y} text-anchor={anchor}>
    {children}
  </text>
);

/** Must-fund bids are always funded, so the word says both. */
type Kind = 'funded' | 'must-fund' | 'waitlisted';
const kindOf = (bid: RankedBid): Kind => (bid.outcome === 'waitlisted' ? 'waitlisted' : bid.mustFund ? 'must-fund' : 'funded');

/**
 * A bar's look, told apart by pattern as well as colour: funded solid, must-fund striped with a
 * solid edge, waitlisted dotted with a dashed edge; so a grey-scale print or a reader who cannot
 * tell the blues apart still sees which is which (WCAG 1.4.1).
 */
const Bar: FC<{ kind: Kind; id: string; x: number; y: number; width: number; height: number }> = ({ kind, id, ...box }) => (
  <rect class={`cp-chart__bar cp-chart__bar--${kind}`} fill={kind === 'funded' ? undefined : `url(#${id}-${kind})`} {...box} />
);

/** The patterns the bars and the legend share: diagonal stripes for must-fund, dots for waitlisted. */
const Patterns: FC<{ id: string }> = ({ id }) => (
  <defs>
    <pattern id={`${id}-must-fund`} class="cp-chart__pattern" width={8} height={8} patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
      <rect class="cp-chart__pattern-ground" width={8} height={8} />
      <rect class="cp-chart__pattern-stripe" width={4} height={8} />
    </pattern>
    <pattern id={`${id}-waitlisted`} class="cp-chart__pattern" width={6} height={6} patternUnits="userSpaceOnUse">
      <rect class="cp-chart__pattern-ground" width={6} height={6} />
      <circle class="cp-chart__pattern-dot" cx={3} cy={3} r={1.4} />
    </pattern>
  </defs>
);

/** A round step for the axis: about four intervals of 1, 2, 2.5 or 5 times a power of ten. */
export function axisStep(scale: number): number {
  const raw = Math.max(scale, 1) / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  return Math.max(1, Math.round(step));
}

/** A tick's words, short enough to sit under the bars: £0, £50k, £1.5m. */
export function tickLabel(pence: number): string {
  const pounds = pence / 100;
  const short = (n: number) => String(Math.round(n * 100) / 100);
  if (pounds >= 1_000_000) return `£${short(pounds / 1_000_000)}m`;
  if (pounds >= 1_000) return `£${short(pounds / 1_000)}k`;
  return `£${short(pounds)}`;
}

/** The money axis under the bars: a line, a tick and a label at each round step, with its title. */
const Axis: FC<{ scale: number; x: (pence: number) => number; top: number; bottom: number }> = ({ scale, x, top, bottom }) => {
  const step = axisStep(scale);
  const ticks: number[] = [];
  for (let v = 0; v <= scale + 0.5; v += step) ticks.push(v);
  return (
    <g class="cp-chart__axis">
      {ticks.map((v) => (
        <line class="cp-chart__grid" x1={x(v)} y1={top} x2={x(v)} y2={bottom} />
      ))}
      <line class="cp-chart__axis-line" x1={x(0)} y1={bottom} x2={x(scale)} y2={bottom} />
      {ticks.map((v, i) => (
        <g class="cp-chart__tick">
          <line class="cp-chart__axis-line" x1={x(v)} y1={bottom} x2={x(v)} y2={bottom + 6} />
          <Label x={x(v)} y={bottom + 22} anchor={i === 0 ? 'start' : x(v) > x(scale) - 20 ? 'end' : 'middle'}>
            {tickLabel(v)}
          </Label>
        </g>
      ))}
      <Label x={PLOT_X} y={bottom + 44}>
        Money taken, bid after bid in rank order
      </Label>
    </g>
  );
};

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
  const axisY = rowTop(rows.length) + 4;
  const height = axisY + AXIS_HEIGHT;
  const availableX = x(available);
  const cutY = cutIndex >= 0 ? rowTop(cutIndex) - 8 : 0;

  return (
    <div class="cp-chart-region" role="region" tabindex={0} aria-label="Allocation chart">
    <svg class="cp-chart" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} focusable="false" xmlns="http://www.w3.org/2000/svg">
      <title id={`${id}-title`}>Allocation chart: bids in rank order against the money available, with the cut line</title>
      <desc id={`${id}-desc`}>{describe(result, rows.length)}</desc>
      <Patterns id={id} />
      <Legend id={id} />
      <Axis scale={scale} x={x} top={TOP - 10} bottom={axisY} />
      <line class="cp-chart__envelope" x1={availableX} y1={TOP - 10} x2={availableX} y2={axisY} />
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
              {money(bid.roundCostPence)}, {kindOf(bid)}
            </Label>
            <Bar kind={kindOf(bid)} id={id} x={x(start)} y={top} width={Math.max(2, x(end) - x(start))} height={BAR} />
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
    </div>
  );
};

/** The key, in the drawing itself, with words for every colour, pattern and line. */
const Legend: FC<{ id: string }> = ({ id }) => (
  <g class="cp-chart__legend">
    <Bar kind="funded" id={id} x={0} y={6} width={16} height={16} />
    <Label x={22} y={19}>
      Funded
    </Label>
    <Bar kind="must-fund" id={id} x={100} y={6} width={16} height={16} />
    <Label x={122} y={19}>
      Must-fund
    </Label>
    <Bar kind="waitlisted" id={id} x={220} y={6} width={16} height={16} />
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
