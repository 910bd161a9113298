// Finance's and the admin's pages: the decision trail, money, funding rounds with the allocation
// chart and what-if, and the admin's Board decision and re-score on a bid.
import type { FC } from 'hono/jsx';
import { committedAgainstEnvelopes } from '../../services/rounds.js';
import { moneyTotals, needFinance } from '../../services/trail.js';
import { render, signedIn, type WebApp } from '../app.js';
import { Table } from '../components.js';
import { date, money } from '../format.js';
import { registerBidAdminPages } from './finance-bid-admin.js';
import { registerRoundPages } from './finance-rounds.js';
import { registerTrailPages } from './finance-trail.js';

export function registerFinancePages(web: WebApp): void {
  registerTrailPages(web);
  registerRoundPages(web);
  registerBidAdminPages(web);

  web.get('/app/finance', async (c) => {
    needFinance(signedIn(c));
    const deps = c.get('deps');
    const [years, rounds] = await Promise.all([moneyTotals(deps.db), committedAgainstEnvelopes(deps)]);
    return render(
      c,
      { title: 'Money', current: '/app/finance' },
      <>
        <h1>Money</h1>
        <p class="nhsuk-lede-text">What the CCP Assembly supported and what is committed, per financial year, and against each confirmed round's envelopes.</p>
        <h2>By financial year</h2>
        <p>
          <strong>Supported</strong> is every bid the CCP Assembly supported: waiting for the ICB Board, for allocation, waitlisted or funded. <strong>Committed</strong> is the
          bids funded by a confirmed allocation. A bid's recurrent costs count in every year they run.
        </p>
        {years.length === 0 ? <p>No bid has been supported yet.</p> : years.map((year) => <YearTable year={year} />)}
        <h2>Against each round's envelopes</h2>
        {rounds.length === 0 ? (
          <p>No funding round has been confirmed yet.</p>
        ) : (
          rounds.map((round) => <EnvelopeTable round={round} />)
        )}
      </>,
    );
  });
}

type Year = Awaited<ReturnType<typeof moneyTotals>>[number];
type Money = Year['supported'];

const figures = (m: Money) => [money(m.recurrentPence), money(m.nonRecurrentPence), money(m.totalPence), m.bids];

const YearTable: FC<{ year: Year }> = ({ year }) => (
  <Table
    caption={year.financialYear}
    captionSize="s"
    head={['Money', 'Recurrent', 'Non-recurrent', 'Total', 'Bids']}
    numeric={[1, 2, 3, 4]}
    rowHeaders
    rows={[
      ['Supported', ...figures(year.supported)],
      ['Committed', ...figures(year.committed)],
    ]}
  />
);

type ConfirmedRound = Awaited<ReturnType<typeof committedAgainstEnvelopes>>[number];

const EnvelopeTable: FC<{ round: ConfirmedRound }> = ({ round }) => (
  <Table
    caption={
      <>
        <a href={`/app/rounds/${encodeURIComponent(round.roundId)}`}>{round.title}</a> ({round.financialYear}), confirmed on {date(round.confirmedAt)}
      </>
    }
    captionSize="s"
    head={['Envelope', 'Budget', 'Committed', 'Left']}
    numeric={[1, 2, 3]}
    rowHeaders
    rows={round.envelopes.map((e) => [e.label, money(e.envelopePence), money(e.committedPence), money(e.leftPence)])}
  />
);
